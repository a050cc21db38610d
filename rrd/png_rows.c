/*
 * png_rows.c — how the graphs' PNG files are encoded.
 *
 * librrd draws with cairo, and cairo writes a PNG through libpng at
 * libpng's defaults, which try five row filters on every row and keep
 * the best. pejl's graphs are flat colour, lines and text, where a row
 * filter does not help deflate: with none the file is smaller and the
 * drawing cheaper (60 graphs of pejl's size through the rrdtool CLI:
 * 2.64 → 2.11 CPU s, 2880 → 2408 KB; filtering and deflate were three
 * quarters of a graph's CPU under perf). Neither librrd nor cairo has a
 * setting for it, so pejld defines libpng's png_set_write_fn, which
 * cairo calls once per PNG before it writes anything: it runs libpng's
 * own (found with dlsym RTLD_NEXT) and then asks for no row filter. The
 * PNG is as valid as before; only its bytes differ.
 *
 * pejld exports this symbol (daemon/CMakeLists.txt) so that cairo's call
 * resolves here; a program that does not (the unit tests) gets libpng's
 * own and libpng's defaults. If libpng's own cannot be found, the PNG
 * fails with a message rather than write anywhere else.
 *
 * May use: libpng and the C library only.
 */
#include <dlfcn.h>
#include <png.h>

typedef void (*png_write_fn_setter)(png_structrp, png_voidp, png_rw_ptr, png_flush_ptr);

void png_set_write_fn(png_structrp png, png_voidp io, png_rw_ptr write, png_flush_ptr flush)
{
    static png_write_fn_setter libpngs;
    if (!libpngs)
        *(void **)&libpngs = dlsym(RTLD_NEXT, "png_set_write_fn");
    if (!libpngs)
        png_error(png, "pejld: libpng's png_set_write_fn not found");
    libpngs(png, io, write, flush);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
}
