# Builds and runs one consumer project (ctest label consumers). Invoked by ctest as
#   cmake -DMODE=find_package|add_subdirectory -DCONSUMER_DIR=... -DWORK_DIR=... -DREPO_DIR=...
#         -DBUILD_DIR=... -DGENERATOR=... -DCXX=... -DCXX_FLAGS=... -DLINK_FLAGS=... -P run_consumer.cmake
# find_package: installs BUILD_DIR to WORK_DIR/prefix with cmake --install, then builds the
# consumer against that prefix. add_subdirectory: builds the consumer with the repository as a
# subdirectory. Either way the consumer program must run and exit 0.
foreach(var MODE CONSUMER_DIR WORK_DIR REPO_DIR BUILD_DIR GENERATOR CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_consumer.cmake: ${var} is not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(configure_args -S "${CONSUMER_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}"
    # No build type: -O0 without debug info, the quickest compile (add_subdirectory rebuilds
    # the library).
    -DCMAKE_BUILD_TYPE=)
if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix")
  if(NOT EXISTS "${WORK_DIR}/prefix/include/commerce/store.h")
    message(FATAL_ERROR "cmake --install did not install include/commerce/store.h")
  endif()
  run(${CMAKE_COMMAND} ${configure_args} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
      -DCMAKE_FIND_PACKAGE_PREFER_CONFIG=ON)
elseif(MODE STREQUAL "add_subdirectory")
  run(${CMAKE_COMMAND} ${configure_args} "-DCOMMERCE_SOURCE_DIR=${REPO_DIR}")
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE ${MODE}")
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build" --target commerce_consumer -j 2)
run("${WORK_DIR}/build/commerce_consumer" "${WORK_DIR}/consumer.db")
message(STATUS "consumer (${MODE}) built and ran")
