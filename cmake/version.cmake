# Version and provenance compiled into the binary: the HDF5 manifest records them so a run can be
# reproduced later. The git commit is read at build time (not configure time), so it stays right
# after new commits without re-running cmake.
set(INNOSIM_GIT_COMMIT_FILE ${CMAKE_BINARY_DIR}/generated/git_commit.cpp)
add_custom_target(innosim_git_commit
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${INNOSIM_GIT_COMMIT_FILE}
          -P ${CMAKE_SOURCE_DIR}/cmake/write_git_commit.cmake
  BYPRODUCTS ${INNOSIM_GIT_COMMIT_FILE}
  COMMENT "Reading the git commit")
configure_file(${CMAKE_SOURCE_DIR}/cmake/build_info.cpp.in ${CMAKE_BINARY_DIR}/generated/build_info.cpp @ONLY)
