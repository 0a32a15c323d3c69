// DllMain of mesign-minidriver.dll. The export itself is portable (md_export.cpp, listed in the .def).
#include "minidriver/win_compat.h"

extern "C" BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
    if (reason == DLL_PROCESS_ATTACH) DisableThreadLibraryCalls(instance);
    return TRUE;
}
