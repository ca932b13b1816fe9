# `cmake --install` and CPack: the two programs, the scenario library (scenarios/: every scenario, the
# peer launchers in targets/ with their exec bits, any suite file) and the docs, laid out so an
# installed forkcheck finds its library at <prefix>/share/forkcheck/scenarios and refcluster beside
# itself (harness/library/scenario_library.cpp, harness/target/target_command.cpp).
include(GNUInstallDirs)
# cpack and `ninja install` install what is built (the programs), rather than first building every
# test, bench and fuzz target: ci/package builds forkcheck and refcluster, then packages them.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS forkcheck refcluster RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/forkcheck/scenarios
        USE_SOURCE_PERMISSIONS
        PATTERN "__pycache__" EXCLUDE
        PATTERN "*.pyc" EXCLUDE)
# The docs keep the source tree's layout under share/doc/forkcheck, so that every relative link of
# the installed README and docs finds its file (tests/install/install_test.sh follows each link).
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
foreach(folder reference harness reports bench)
  install(FILES ${PROJECT_SOURCE_DIR}/${folder}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/${folder})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/scenarios/README.md ${PROJECT_SOURCE_DIR}/scenarios/walkthrough.yaml
              ${PROJECT_SOURCE_DIR}/scenarios/conformance.yaml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/scenarios)
# The CI recipe the README shows how to adopt.
install(FILES ${PROJECT_SOURCE_DIR}/ci/README.md ${PROJECT_SOURCE_DIR}/ci/github-workflow.yml
              ${PROJECT_SOURCE_DIR}/ci/example-suite.yaml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/ci)
install(FILES ${PROJECT_SOURCE_DIR}/scenarios/targets/README.md ${PROJECT_SOURCE_DIR}/scenarios/targets/node-cluster.mjs
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/scenarios/targets)
install(FILES ${PROJECT_SOURCE_DIR}/reports/samples/conformance-suite/index.png
              ${PROJECT_SOURCE_DIR}/reports/samples/conformance-suite/summary.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/reports/samples/conformance-suite)
install(FILES ${PROJECT_SOURCE_DIR}/reports/samples/random-kills-refcluster/report.html
              ${PROJECT_SOURCE_DIR}/reports/samples/random-kills-refcluster/report.png
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/reports/samples/random-kills-refcluster)
# The library's scenarios/README.md links ../docs/: a link beside the library to the installed docs.
file(RELATIVE_PATH forkcheck_docs_from_data /prefix/${CMAKE_INSTALL_DATADIR}/forkcheck /prefix/${CMAKE_INSTALL_DOCDIR}/docs)
install(CODE "file(CREATE_LINK \"${forkcheck_docs_from_data}\"
                    \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/forkcheck/docs\" SYMBOLIC)")

# `cpack -G DEB` (ci/package): a Debian package whose Depends come from the shared libraries the
# programs link (dpkg-shlibdeps), so yaml-cpp and the C++ runtime are named at the versions built on.
set(CPACK_PACKAGE_NAME forkcheck)
set(CPACK_PACKAGE_VENDOR "forkcheck")
set(CPACK_PACKAGE_CONTACT "forkcheck maintainers <forkcheck@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "fault-injection test harness and conformance suite for pre-fork cluster servers")
set(CPACK_PACKAGE_DESCRIPTION
    "forkcheck launches a pre-fork cluster (a primary that forks N workers serving HTTP on one port),
drives HTTP load, SIGKILLs workers chosen by seed and checks named properties (workers restored,
no dropped requests, no orphans, ...). Includes refcluster, the reference cluster, and the
scenario library.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nodejs, gunicorn, nginx-light, apache2-bin, uwsgi-core, uwsgi-plugin-python3, puma")  # the peers of scenarios/targets
set(CPACK_STRIP_FILES ON)
include(CPack)
