# The libFuzzer targets (included by the top-level CMakeLists.txt with NLROUTE_FUZZ=ON;
# scripts/fuzz.js builds them through cmake-js with clang). Each links the socket-free
# code it drives, built with the fuzzer, AddressSanitizer and UndefinedBehaviorSanitizer.
set(NLROUTE_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
set(NLROUTE_WIRE_SOURCES
  native/wire/kernel_status.cc native/wire/link_codec.cc native/wire/message_reader.cc
  native/wire/message_writer.cc native/wire/route_codec.cc native/wire/rule_codec.cc)
set(NLROUTE_PACK_SOURCES
  native/addon/packed_requests.cc native/addon/record_fields.cc native/ops/requests.cc
  native/socket/exchange.cc native/socket/route_socket.cc native/socket/netns.cc)
list(TRANSFORM NLROUTE_WIRE_SOURCES PREPEND "${CMAKE_SOURCE_DIR}/")
list(TRANSFORM NLROUTE_PACK_SOURCES PREPEND "${CMAKE_SOURCE_DIR}/")

foreach(target fuzz_messages fuzz_packed_requests)
  set(sources "${CMAKE_SOURCE_DIR}/native/fuzz/${target}.cc" ${NLROUTE_WIRE_SOURCES})
  if(target STREQUAL "fuzz_packed_requests")
    list(APPEND sources ${NLROUTE_PACK_SOURCES})
  endif()
  add_executable(${target} ${sources})
  target_compile_options(${target} PRIVATE ${NLROUTE_FUZZ_FLAGS})
  target_link_options(${target} PRIVATE ${NLROUTE_FUZZ_FLAGS})
endforeach()

# Native checks without a kernel or JavaScript (sanitized, not fuzzed): scripts/fuzz.js
# runs them first.
add_executable(io_thread_test "${CMAKE_SOURCE_DIR}/native/tests/io_thread_test.cc"
  "${CMAKE_SOURCE_DIR}/native/socket/io_thread.cc" "${CMAKE_SOURCE_DIR}/native/socket/route_socket.cc"
  "${CMAKE_SOURCE_DIR}/native/socket/netns.cc" ${NLROUTE_WIRE_SOURCES})
target_compile_options(io_thread_test PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1)
target_link_options(io_thread_test PRIVATE -fsanitize=address,undefined -pthread)
