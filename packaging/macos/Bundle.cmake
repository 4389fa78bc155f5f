# macOS: Switchboard.app with its Info.plist and icon; `cmake --install` (and so cpack's DMG)
# runs macdeployqt on the installed bundle, which copies the Qt frameworks and plugins in.
# Included from packaging/CMakeLists.txt on Apple only; the install(TARGETS … BUNDLE) rule is in
# app/CMakeLists.txt. Not built on this project's Linux machines: .github/workflows/desktop.yml
# builds and smoke-tests it on a hosted macOS runner.
set_target_properties(switchboard PROPERTIES
    MACOSX_BUNDLE TRUE
    OUTPUT_NAME Switchboard
    MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_LIST_DIR}/Info.plist.in
    MACOSX_BUNDLE_GUI_IDENTIFIER ${SWITCHBOARD_APP_ID}
    MACOSX_BUNDLE_BUNDLE_NAME Switchboard
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_ICON_FILE switchboard.icns)

# switchboard.icns from the committed PNGs (rendered from resources/icons/switchboard.svg) with
# Apple's iconutil, at configure time so it is an ordinary source of the target. Without
# iconutil the bundle has no icon (Finder shows the generic one) and configure says so.
find_program(SWITCHBOARD_ICONUTIL iconutil)
set(icns ${CMAKE_CURRENT_BINARY_DIR}/switchboard.icns)
if(SWITCHBOARD_ICONUTIL)
    set(iconset ${CMAKE_CURRENT_BINARY_DIR}/switchboard.iconset)
    file(MAKE_DIRECTORY ${iconset})
    set(png ${CMAKE_CURRENT_LIST_DIR}/../linux/share/icons)
    foreach(size IN ITEMS 16 32 128 256 512)
        file(COPY_FILE ${png}/${size}x${size}/switchboard.png ${iconset}/icon_${size}x${size}.png)
    endforeach()
    foreach(size IN ITEMS 16 32 128 256)
        math(EXPR double "${size} * 2")
        file(COPY_FILE ${png}/${double}x${double}/switchboard.png ${iconset}/icon_${size}x${size}@2x.png)
    endforeach()
    execute_process(COMMAND ${SWITCHBOARD_ICONUTIL} -c icns -o ${icns} ${iconset} COMMAND_ERROR_IS_FATAL ANY)
    target_sources(switchboard PRIVATE ${icns})
    set_source_files_properties(${icns} TARGET_DIRECTORY switchboard PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
else()
    message(STATUS "iconutil not found: Switchboard.app gets no icon")
endif()

# macdeployqt lives next to qmake in Qt's bin directory.
get_target_property(qmake Qt6::qmake IMPORTED_LOCATION)
get_filename_component(qt_bin ${qmake} DIRECTORY)
find_program(SWITCHBOARD_MACDEPLOYQT NAMES macdeployqt macdeployqt6 HINTS ${qt_bin} REQUIRED)
# macdeployqt copies the Qt frameworks and plugins and the other non-system dylibs (Homebrew's
# yaml-cpp, hiredis, qtkeychain) into the bundle and rewrites their install names.
# Run after the target is installed: packaging/CMakeLists.txt adds it after install(TARGETS).
set(SWITCHBOARD_DEPLOY_CODE "
    execute_process(COMMAND \"${SWITCHBOARD_MACDEPLOYQT}\"
                            \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/Switchboard.app\" -always-overwrite
                    COMMAND_ERROR_IS_FATAL ANY)
")
