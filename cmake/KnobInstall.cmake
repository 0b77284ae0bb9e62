# What `cmake --install` adds beside the targets' own rules (src/, src/cli/): knob.pc, the
# CMake package (knobConfig.cmake, knobConfigVersion.cmake, the exported targets) and the
# man page.
include(CMakePackageConfigHelpers)

# knob.pc: written at install time, since `cmake --install --prefix DIR` chooses the
# prefix then. The first pass (now) fills in all but the prefix.
set(KNOB_PC_PREFIX "@KNOB_INSTALL_PREFIX@")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(KNOB_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(KNOB_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
# The libraries libknob links are in Libs.private as the flags their own .pc files give a
# static link (knob.pc.in says why not in Requires.private).
if(KNOB_LAZY_LIBS) # opened when first needed (cmake/KnobLazy.cmake): not linked
  list(JOIN SQLITE3_STATIC_LDFLAGS " " KNOB_PC_DEPS_LIBS)
  set(KNOB_PC_DL "")
  foreach(lib ${CMAKE_DL_LIBS})
    string(APPEND KNOB_PC_DL " -l${lib}")
  endforeach()
  set(KNOB_STATIC_PC_MODULES "sqlite3")
  set(KNOB_STATIC_DEBIAN_PACKAGES "pkg-config libsqlite3-dev")
else()
  list(JOIN SQLITE3_STATIC_LDFLAGS " " KNOB_PC_DEPS_LIBS)
  foreach(flags PQ_LDFLAGS LAPACKE_STATIC_LDFLAGS NLOPT_STATIC_LDFLAGS)
    list(JOIN ${flags} " " joined)
    string(APPEND KNOB_PC_DEPS_LIBS " ${joined}")
  endforeach()
  set(KNOB_PC_DL "")
  set(KNOB_STATIC_PC_MODULES "sqlite3 libpq lapacke openblas nlopt")
  set(KNOB_STATIC_DEBIAN_PACKAGES
      "pkg-config libsqlite3-dev libpq-dev liblapacke-dev libopenblas-dev libnlopt-dev")
endif()
set(KNOB_PC_LIBS_EXTRA "")
if(KNOB_SANITIZE)
  string(JOIN " " KNOB_PC_LIBS_EXTRA "" ${KNOB_SANITIZE_LINK_OPTIONS})
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/knob.pc.in ${PROJECT_BINARY_DIR}/knob.pc.in @ONLY)
install(CODE "
  set(KNOB_INSTALL_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${PROJECT_BINARY_DIR}/knob.pc.in\" \"${PROJECT_BINARY_DIR}/knob.pc\" @ONLY)
")
install(FILES ${PROJECT_BINARY_DIR}/knob.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The CMake package: relocatable (paths relative to where knobConfig.cmake is found).
set(KNOB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/knob)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/knobConfig.cmake.in
  ${PROJECT_BINARY_DIR}/knobConfig.cmake INSTALL_DESTINATION ${KNOB_CMAKE_DIR})
# 0.x versions keep the soname libknob.so.0, and so the same major version.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/knobConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(EXPORT knobTargets NAMESPACE knob:: DESTINATION ${KNOB_CMAKE_DIR})
install(EXPORT knobStaticTargets NAMESPACE knob:: DESTINATION ${KNOB_CMAKE_DIR})
install(FILES ${PROJECT_BINARY_DIR}/knobConfig.cmake ${PROJECT_BINARY_DIR}/knobConfigVersion.cmake
  DESTINATION ${KNOB_CMAKE_DIR})

if(TARGET knob_cli)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/man/knob.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
