# Libraries opened when first needed (src/util/lazy.h). With KNOB_LAZY_LIBS (the default),
# libknob and the knob binary link none of libpq, LAPACKE/OpenBLAS, NLopt and libmicrohttpd:
# a shim per library opens it with dlopen, by the SONAME found here, on its first use. A
# `knob tell` on SQLite then loads none of them (the loader's binding of them
# was most of its cost): `ldd knob` lists 7 objects, not 39. OFF links them as usual.
#
#   knob_lazy_core  what the library's objects need: the headers of libpq, LAPACKE/OpenBLAS
#                   and NLopt, and the SONAMEs (or, OFF, the libraries themselves)
#   knob_lazy_cli   the same for the CLI's libmicrohttpd
#   KNOB_LAZY_LINK  what libknob links for them: libdl's flag when ON, the libraries when OFF
option(KNOB_LAZY_LIBS
       "Open libpq, LAPACKE/OpenBLAS, NLopt and libmicrohttpd with dlopen on first use (OFF: link them)"
       ON)

# knob_soname(VAR LIBS NAME): the SONAME of libNAME.so among LIBS (full paths, as
# pkg_check_modules gives them in <prefix>_LINK_LIBRARIES), read with objdump.
function(knob_soname var libs name)
  foreach(lib ${libs})
    get_filename_component(file ${lib} NAME)
    if(file MATCHES "^lib${name}\\.so")
      execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${lib} OUTPUT_VARIABLE dump
                      RESULT_VARIABLE rc ERROR_QUIET)
      if(rc EQUAL 0 AND dump MATCHES "SONAME +([^ \n]+)")
        set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
        message(STATUS "lib${name}: opened when first needed, as ${CMAKE_MATCH_1}")
        return()
      endif()
    endif()
  endforeach()
  message(FATAL_ERROR "KNOB_LAZY_LIBS: no SONAME found for lib${name} among '${libs}' "
                      "(objdump: '${CMAKE_OBJDUMP}'); configure with -DKNOB_LAZY_LIBS=OFF "
                      "to link it instead")
endfunction()

add_library(knob_lazy_core INTERFACE)
add_library(knob_lazy_cli INTERFACE)
if(KNOB_LAZY_LIBS)
  if(NOT CMAKE_OBJDUMP)
    message(FATAL_ERROR "KNOB_LAZY_LIBS needs objdump (binutils) to read the libraries' SONAMEs")
  endif()
  knob_soname(KNOB_SONAME_PQ "${PQ_LINK_LIBRARIES}" pq)
  knob_soname(KNOB_SONAME_LAPACKE "${LAPACKE_LINK_LIBRARIES}" lapacke)
  knob_soname(KNOB_SONAME_OPENBLAS "${LAPACKE_LINK_LIBRARIES}" openblas)
  knob_soname(KNOB_SONAME_NLOPT "${NLOPT_LINK_LIBRARIES}" nlopt)
  knob_soname(KNOB_SONAME_MHD "${MHD_LINK_LIBRARIES}" microhttpd)
  target_include_directories(knob_lazy_core SYSTEM INTERFACE
    ${PQ_INCLUDE_DIRS} ${LAPACKE_INCLUDE_DIRS} ${NLOPT_INCLUDE_DIRS})
  target_compile_definitions(knob_lazy_core INTERFACE KNOB_LAZY_LIBS
    KNOB_SONAME_PQ="${KNOB_SONAME_PQ}" KNOB_SONAME_LAPACKE="${KNOB_SONAME_LAPACKE}"
    KNOB_SONAME_OPENBLAS="${KNOB_SONAME_OPENBLAS}" KNOB_SONAME_NLOPT="${KNOB_SONAME_NLOPT}")
  target_include_directories(knob_lazy_cli SYSTEM INTERFACE ${MHD_INCLUDE_DIRS})
  target_compile_definitions(knob_lazy_cli INTERFACE KNOB_LAZY_LIBS
    KNOB_SONAME_MHD="${KNOB_SONAME_MHD}")
  target_link_libraries(knob_lazy_cli INTERFACE ${CMAKE_DL_LIBS})
  set(KNOB_LAZY_LINK ${CMAKE_DL_LIBS})
  # What the tests read: each library, its SONAME and what needs it (tests/integration/lazy_libs.sh).
  file(WRITE ${PROJECT_BINARY_DIR}/lazy_libs.txt
    "pq ${KNOB_SONAME_PQ}\nlapacke ${KNOB_SONAME_LAPACKE}\nopenblas ${KNOB_SONAME_OPENBLAS}\n"
    "nlopt ${KNOB_SONAME_NLOPT}\nmhd ${KNOB_SONAME_MHD}\n")
else()
  target_link_libraries(knob_lazy_core INTERFACE PkgConfig::PQ PkgConfig::LAPACKE PkgConfig::NLOPT)
  target_link_libraries(knob_lazy_cli INTERFACE PkgConfig::MHD)
  set(KNOB_LAZY_LINK PkgConfig::PQ PkgConfig::LAPACKE PkgConfig::NLOPT)
  file(REMOVE ${PROJECT_BINARY_DIR}/lazy_libs.txt)
endif()
