/*
 * bcryptprimitives.dll for Wine 8: Go 1.22 and later draw random numbers
 * from ProcessPrng in this DLL, which real Windows 10+ has and Debian's Wine
 * 8.0 lacks ("fatal error: bcryptprimitives.dll not found"). This one
 * answers it from RtlGenRandom (advapi32's SystemFunction036), Windows'
 * older system random generator. Only the Wine checks install it, into the
 * throw-away prefix they run in; the Windows package never ships it.
 *
 * x86_64-w64-mingw32-gcc -O2 -shared -s -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
