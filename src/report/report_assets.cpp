#include "report/report_assets.h"

// The bundle Vite wrote at build time, placed in .rodata by the assembler (GCC and Clang on
// ELF); its size is the distance between the two labels.
__asm__(".section .rodata\n"
        ".balign 16\n"
        ".global cxm_report_js_begin\n"
        "cxm_report_js_begin:\n"
        ".incbin \"" CXM_REPORT_JS_PATH "\"\n"
        ".global cxm_report_js_end\n"
        "cxm_report_js_end:\n"
        ".byte 0\n"
        ".previous\n");

extern "C" const char cxm_report_js_begin[];
extern "C" const char cxm_report_js_end[];

namespace cxm::report {

std::string_view ReportScript() {
  return {cxm_report_js_begin, static_cast<std::size_t>(cxm_report_js_end - cxm_report_js_begin)};
}

}  // namespace cxm::report
