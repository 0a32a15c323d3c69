// The one exported symbol. Portable: the Windows DLL adds DllMain (md_entry_win.cpp) and a .def file.
#include "minidriver/md_context.h"

extern "C" DWORD WINAPI CardAcquireContext(PCARD_DATA pCardData, DWORD dwFlags) {
    return md::acquireContext(pCardData, dwFlags);
}
