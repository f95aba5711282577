# INNOSIM_FUZZ: libFuzzer targets in fuzz/ (clang only). Everything we build gets coverage
# instrumentation plus AddressSanitizer and UndefinedBehaviorSanitizer, so the fuzzers see which
# branches of the loader an input reaches and stop on the first memory error or UB. Configure a
# separate build directory: CC=clang CXX=clang++ cmake -S . -B build-fuzz -DINNOSIM_FUZZ=ON
if(INNOSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "INNOSIM_FUZZ needs clang (libFuzzer): configure a separate build directory "
                        "with CC=clang CXX=clang++")
  endif()
  if(INNOSIM_SANITIZE)
    message(FATAL_ERROR "INNOSIM_FUZZ already builds with address,undefined; leave INNOSIM_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
  message(STATUS "innosim: building libFuzzer targets (fuzz/)")
endif()
