# Windows: a GUI-subsystem executable (no console window behind the app) with the icon and a
# version resource; `cmake --install` (and so cpack's NSIS installer) runs windeployqt next to
# the installed switchboard.exe, which copies the Qt DLLs and plugins. Included from
# packaging/CMakeLists.txt on Windows only. Not built on this project's Linux machines:
# .github/workflows/desktop.yml builds and smoke-tests it on a hosted Windows runner.
#
# A GUI-subsystem program has no console of its own: `switchboard --version` or `--headless`
# print to a console only when their output is redirected (a pipe or a file, as in CI).
set_target_properties(switchboard PROPERTIES WIN32_EXECUTABLE TRUE)

# FILEVERSION wants four numbers.
set(SWITCHBOARD_VERSION_COMMAS "${PROJECT_VERSION_MAJOR},${PROJECT_VERSION_MINOR},${PROJECT_VERSION_PATCH},0")
set(SWITCHBOARD_ICO ${CMAKE_CURRENT_LIST_DIR}/switchboard.ico)
file(TO_CMAKE_PATH "${SWITCHBOARD_ICO}" SWITCHBOARD_ICO)
configure_file(${CMAKE_CURRENT_LIST_DIR}/switchboard.rc.in ${CMAKE_CURRENT_BINARY_DIR}/switchboard.rc @ONLY)
target_sources(switchboard PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/switchboard.rc)

get_target_property(qmake Qt6::qmake IMPORTED_LOCATION)
get_filename_component(qt_bin ${qmake} DIRECTORY)
# MSYS2 names it windeployqt6 (or windeployqt-qt6).
find_program(SWITCHBOARD_WINDEPLOYQT NAMES windeployqt windeployqt6 windeployqt-qt6 HINTS ${qt_bin} REQUIRED)
# windeployqt copies Qt's DLLs and plugins (and the compiler's runtime); the other DLLs the
# program needs (yaml-cpp, hiredis, QtKeychain, SQLite, …) are found by CMake's own scan in the
# directories they were linked from and copied next to it. Windows' own DLLs stay out.
# Run after the target is installed: packaging/CMakeLists.txt adds it after install(TARGETS).
set(SWITCHBOARD_DEPLOY_CODE "
    set(exe \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/switchboard.exe\")
    execute_process(COMMAND \"${SWITCHBOARD_WINDEPLOYQT}\" --no-translations \"\${exe}\"
                    COMMAND_ERROR_IS_FATAL ANY)
    file(TO_CMAKE_PATH \"\$ENV{PATH}\" search_path)
    file(GET_RUNTIME_DEPENDENCIES EXECUTABLES \"\${exe}\"
         RESOLVED_DEPENDENCIES_VAR dlls UNRESOLVED_DEPENDENCIES_VAR unresolved
         DIRECTORIES \"${qt_bin}\" \${search_path}
         PRE_EXCLUDE_REGEXES \"^api-ms-\" \"^ext-ms-\"
         POST_EXCLUDE_REGEXES \".*[Ss][Yy][Ss][Tt][Ee][Mm]32/.*\")
    file(INSTALL \${dlls} DESTINATION \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    if(unresolved)
        message(WARNING \"switchboard.exe needs DLLs not found: \${unresolved}\")
    endif()
")
# With MSVC: its runtime DLLs for the installer (MinGW's come with windeployqt above).
include(InstallRequiredSystemLibraries)
