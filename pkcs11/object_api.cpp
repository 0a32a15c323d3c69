// C_GetAttributeValue, C_SetAttributeValue, C_GetObjectSize, C_DestroyObject and the find functions.
#include "pkcs11/api.h"
#include "pkcs11/api_util.h"
#include "pkcs11/object_store.h"

namespace p11 {
namespace {

bool wantsValue(std::span<const CK_ATTRIBUTE> t) {
    return std::any_of(t.begin(), t.end(), [](const CK_ATTRIBUTE& a) { return a.type == CKA_VALUE; });
}

std::vector<CK_ATTRIBUTE> withoutValue(std::span<const CK_ATTRIBUTE> t) {
    std::vector<CK_ATTRIBUTE> out;
    for (const CK_ATTRIBUTE& a : t)
        if (a.type != CKA_VALUE) out.push_back(a);
    return out;
}

// Whether a search with this template can match a data object (else their list is not needed).
bool mayMatchData(std::span<const CK_ATTRIBUTE> t) {
    for (const CK_ATTRIBUTE& a : t)
        if (a.type == CKA_CLASS) return readUlong(a) == CK_OBJECT_CLASS(CKO_DATA);
    return true;
}

}  // namespace

CK_RV getAttributeValue(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!t && n) return CKR_ARGUMENTS_BAD;
    ObjectEntry e;
    if (CK_RV rv = lookupObject(m, *s, o, e, needsKeyDetails(templateSpan(t, n))); rv != CKR_OK) return rv;
    if (e.kind == ObjectKind::Data && wantsValue(templateSpan(t, n)))
        if (CK_RV rv = loadDataValue(*s, e); rv != CKR_OK) return rv;
    return readAttributes(e.attributes, templateSpan(t, n));
}

CK_RV setAttributeValue(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!t && n) return CKR_ARGUMENTS_BAD;
    ObjectEntry e;
    if (CK_RV rv = lookupObject(m, *s, o, e); rv != CKR_OK) return rv;
    if (!e.attributes.boolean(CKA_MODIFIABLE)) return CKR_ACTION_PROHIBITED;
    // Session objects: only the label and id may change.
    for (const CK_ATTRIBUTE& a : templateSpan(t, n)) {
        if (!e.attributes.has(a.type)) return CKR_ATTRIBUTE_TYPE_INVALID;
        if (a.type != CKA_LABEL && a.type != CKA_ID) return CKR_ATTRIBUTE_READ_ONLY;
        if (!a.pValue && a.ulValueLen) return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    TokenContext& ctx = s->context();
    std::lock_guard lock(ctx.mutex);
    auto it = ctx.sessionObjects.find(o);
    if (it == ctx.sessionObjects.end()) return CKR_OBJECT_HANDLE_INVALID;
    for (const CK_ATTRIBUTE& a : templateSpan(t, n))
        it->second.attributes.values[a.type] = Bytes(bytesOf(a.pValue, a.ulValueLen).begin(),
                                                     bytesOf(a.pValue, a.ulValueLen).end());
    return CKR_OK;
}

CK_RV getObjectSize(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ULONG_PTR size) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!size) return CKR_ARGUMENTS_BAD;
    ObjectEntry e;
    if (CK_RV rv = lookupObject(m, *s, o, e); rv != CKR_OK) return rv;
    if (CK_RV rv = loadDataValue(*s, e); rv != CKR_OK) return rv;
    CK_ULONG total = 0;
    for (const auto& [type, value] : e.attributes.values) total += value.size();
    *size = total;
    return CKR_OK;
}

CK_RV destroyObject(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    ObjectEntry e;
    if (CK_RV rv = lookupObject(m, *s, o, e); rv != CKR_OK) return rv;
    if (!e.sessionObject) {
        if (e.kind == ObjectKind::Certificate) return destroyCertificate(m, *s, o);
        if (e.kind == ObjectKind::Data && e.attributes.boolean(CKA_DESTROYABLE)) return destroyDataObject(m, *s, o);
        return CKR_ACTION_PROHIBITED;  // keys and the profile stay
    }
    TokenContext& ctx = s->context();
    std::lock_guard lock(ctx.mutex);
    ctx.sessionObjects.erase(o);
    return CKR_OK;
}

CK_RV findObjectsInit(Module& m, CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!t && n) return CKR_ARGUMENTS_BAD;
    std::lock_guard lock(s->mutex);
    if (s->find) return CKR_OPERATION_ACTIVE;
    std::vector<ObjectEntry> all;
    const auto tmpl = templateSpan(t, n);
    if (CK_RV rv = visibleObjects(m, *s, all, mayMatchData(tmpl), needsKeyDetails(tmpl)); rv != CKR_OK) return rv;
    FindOperation op;
    for (ObjectEntry& e : all) {
        // A data object's value is read from the card only when the search compares it.
        if (e.kind == ObjectKind::Data && wantsValue(tmpl) && matchesTemplate(e.attributes, withoutValue(tmpl))) {
            if (CK_RV rv = loadDataValue(*s, e); rv == CKR_OBJECT_HANDLE_INVALID) continue;
            else if (rv != CKR_OK) return rv;
        }
        if (matchesTemplate(e.attributes, tmpl)) op.results.push_back(e.handle);
    }
    s->find = std::move(op);
    return CKR_OK;
}

CK_RV findObjects(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    if (!out || !count) return CKR_ARGUMENTS_BAD;
    std::lock_guard lock(s->mutex);
    if (!s->find) return CKR_OPERATION_NOT_INITIALIZED;
    FindOperation& op = *s->find;
    CK_ULONG n = 0;
    while (n < max && op.next < op.results.size()) out[n++] = op.results[op.next++];
    *count = n;
    return CKR_OK;
}

CK_RV findObjectsFinal(Module& m, CK_SESSION_HANDLE h) {
    std::shared_ptr<Session> s;
    if (CK_RV rv = m.session(h, s); rv != CKR_OK) return rv;
    std::lock_guard lock(s->mutex);
    if (!s->find) return CKR_OPERATION_NOT_INITIALIZED;
    s->find.reset();
    return CKR_OK;
}

}  // namespace p11
