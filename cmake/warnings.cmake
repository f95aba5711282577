# Warnings every target of ours gets (not the third-party headers: those are SYSTEM includes).
add_library(innosim_warnings INTERFACE)
target_compile_options(innosim_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>
  # GCC 12's -Wrestrict misfires inside libstdc++'s std::string (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
