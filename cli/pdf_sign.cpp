#include "cli/pdf_sign.h"

#include <podofo/podofo.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace cli {

namespace {

std::string podofoMessage(const PoDoFo::PdfError& e) {
    std::string msg = PoDoFo::PdfError::ErrorMessage(e.GetError()) ? PoDoFo::PdfError::ErrorMessage(e.GetError())
                                                                     : "PoDoFo error";
    for (const auto& info : e.GetCallstack())
        if (!info.GetInformation().empty()) {
            msg += ": " + info.GetInformation();
            break;
        }
    return msg;
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};

// A new invisible signature field on the first page, /SigFlags 3 (signatures exist, append only).
std::unique_ptr<PoDoFo::PdfSignatureField> addSignatureField(PoDoFo::PdfMemDocument& doc) {
    using namespace PoDoFo;
    if (doc.GetPageCount() < 1) PODOFO_RAISE_ERROR_INFO(ePdfError_PageNotFound, "the document has no page");
    PdfAcroForm* form = doc.GetAcroForm();
    if (!form) PODOFO_RAISE_ERROR_INFO(ePdfError_InvalidHandle, "the document has no form");
    PdfDictionary& formDict = form->GetObject()->GetDictionary();
    if (formDict.HasKey(PdfName("SigFlags"))) formDict.RemoveKey(PdfName("SigFlags"));
    formDict.AddKey(PdfName("SigFlags"), PdfObject(static_cast<pdf_int64>(3)));
    // A viewer that regenerates appearances would change the signed file's look: appearances are final.
    if (form->GetNeedAppearances()) form->SetNeedAppearances(false);
    PdfAnnotation* widget = doc.GetPage(0)->CreateAnnotation(ePdfAnnotation_Widget, PdfRect(0, 0, 0, 0));
    widget->SetFlags(ePdfAnnotationFlags_Invisible | ePdfAnnotationFlags_Hidden);
    auto field = std::make_unique<PdfSignatureField>(widget, form, &doc);
    field->SetFieldName(PdfString("MeSign-Signature-" + std::to_string(doc.GetObjects().GetObjectCount())));
    return field;
}

}  // namespace

bool looksLikePdf(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    char head[5] = {};
    return f.read(head, sizeof head) && std::string(head, sizeof head) == "%PDF-";
}

namespace {

CliStatus writeSigned(const PdfSignRequest& req, const std::function<CliResult<std::string>(BIO*)>& makeCms) {
    using namespace PoDoFo;
    PdfError::EnableDebug(false);
    PdfError::EnableLogging(false);
    try {
        PdfMemDocument doc;
        doc.Load(req.inPath.c_str(), true);  // for an incremental update: the original bytes stay as they are
        auto field = addSignatureField(doc);
        PdfOutputDevice file(req.outPath.c_str(), true);
        PdfSignOutputDevice signer(&file);
        signer.SetSignatureSize(req.reservedBytes);
        if (!req.reason.empty())
            field->SetSignatureReason(PdfString(reinterpret_cast<const pdf_utf8*>(req.reason.c_str())));
        field->SetSignatureDate(PdfDate());
        field->SetSignatureCreator(PdfName("MeSign Token"));
        field->SetSignature(*signer.GetSignatureBeacon());
        doc.WriteUpdate(&signer, true);  // copies the input, then appends the update
        if (!signer.HasSignaturePosition())
            return cliFail(kExitFailed, "PoDoFo did not place the signature's /Contents in the output");
        signer.AdjustByteRange();
        signer.Seek(0);
        std::unique_ptr<BIO, BioFree> covered(BIO_new(BIO_s_mem()));
        char buf[65536];
        for (size_t n; (n = signer.ReadForSignature(buf, sizeof buf)) > 0;)
            BIO_write(covered.get(), buf, static_cast<int>(n));
        auto cms = makeCms(covered.get());
        if (!cms) return std::unexpected(cms.error());
        if (cms->size() > req.reservedBytes)
            return cliFail(kExitFailed, "the signature (" + std::to_string(cms->size()) + " bytes) does not fit the " +
                                            std::to_string(req.reservedBytes) + " bytes reserved in the PDF");
        signer.SetSignature(PdfData(cms->data(), cms->size()));
        signer.Flush();
    } catch (const PdfError& e) {
        return cliFail(kExitFailed, req.inPath + ": cannot sign the PDF: " + podofoMessage(e));
    }
    return {};
}

}  // namespace

CliStatus signPdf(const PdfSignRequest& req, const std::function<CliResult<std::string>(BIO*)>& makeCms) {
    std::error_code ec;
    if (std::filesystem::exists(req.outPath, ec) && std::filesystem::equivalent(req.inPath, req.outPath, ec))
        return cliFail(kExitUsage, "the signed PDF must go to a new file (--out), not over " + req.inPath);
    if (!looksLikePdf(req.inPath)) return cliFail(kExitFailed, req.inPath + ": not a PDF file");
    auto s = writeSigned(req, makeCms);
    if (!s) std::filesystem::remove(req.outPath, ec);  // no half-signed file left behind
    return s;
}

}  // namespace cli
