// One entry point per subcommand (args: everything after the subcommand's name). Each returns an exit code
// (cli_error.h) and has printed its result to stdout and any message to stderr.
#pragma once

#include <string>
#include <vector>

namespace cli {

using Args = std::vector<std::string>;

int runList(const Args& args);
int runInfo(const Args& args);
int runChangePin(const Args& args);
int runUnblockPin(const Args& args);
int runEnroll(const Args& args);
int runImportCert(const Args& args);
int runImportP12(const Args& args);
int runSignMail(const Args& args);
int runSignDoc(const Args& args);
int runDecryptMail(const Args& args);
int runEncryptDoc(const Args& args);
int runDecryptDoc(const Args& args);
int runVerify(const Args& args);
int runVcard(const Args& args);
int runDoctor(const Args& args);
int runRegisterNss(const Args& args);

// Prints "mesign-token: MESSAGE" to stderr and returns the error's exit code.
int report(const struct CliError& e);

}  // namespace cli
