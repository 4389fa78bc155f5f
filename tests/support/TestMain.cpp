// The one Catch2 main of every test executable: a Qt application must exist before any
// test runs, because the gateway, the fake upstreams and the clients use its event loop.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QCoreApplication>

#ifdef SWITCHBOARD_WIDGETS_TEST
#include <QApplication>
#endif

int main(int argc, char *argv[])
{
#ifdef SWITCHBOARD_WIDGETS_TEST
    // Widget tests run without a display unless one is asked for.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
#else
    QCoreApplication app(argc, argv);
#endif
    return Catch::Session().run(argc, argv);
}
