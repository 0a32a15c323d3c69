// p11_fault_tests: gtest main, or (argv[1] == --pcsc-helper) the "other application" helper process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <exception>

#include "harness.h"
#include "p11_driver.h"

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--pcsc-helper") == 0) return fault::helperMain(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    try {
        fault::initSetup(argv[0]);
        fault::loadModule(fault::setup().module);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "p11_fault_tests: %s\n", e.what());
        return 1;
    }
    return RUN_ALL_TESTS();
}
