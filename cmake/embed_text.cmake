# Writes OUTPUT, a C++ source that defines `absl::string_view NAMESPACE::FUNCTION()`
# returning the bytes of INPUT, so that a text file kept as a real file in the tree (the
# /play page, server/play.html) ships inside the binary. Run at build time:
#   cmake -DINPUT=... -DOUTPUT=... -DHEADER=... -DNAMESPACE=... -DFUNCTION=... -P embed_text.cmake
# The bytes go into a raw string literal; a file that holds its closing delimiter is
# refused rather than cut short.
foreach(var INPUT OUTPUT HEADER NAMESPACE FUNCTION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_text.cmake: ${var} is not set")
  endif()
endforeach()
file(READ "${INPUT}" content)
get_filename_component(input_name "${INPUT}" NAME)
set(delimiter "tally_embed")
string(FIND "${content}" ")${delimiter}\"" found)
if(NOT found EQUAL -1)
  message(FATAL_ERROR "${INPUT} holds ')${delimiter}\"', which would end the raw string early")
endif()
file(WRITE "${OUTPUT}" "// Generated from ${input_name} by cmake/embed_text.cmake: do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

absl::string_view ${FUNCTION}() {
  static constexpr char kText[] = R\"${delimiter}(${content})${delimiter}\";
  return absl::string_view(kText, sizeof kText - 1);
}

}  // namespace ${NAMESPACE}
")
