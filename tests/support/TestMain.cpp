// The one Catch2 main of every test executable: a Qt application must exist before any
// test runs, because the gateway, the fake upstreams and the clients use its event loop.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return Catch::Session().run(argc, argv);
}
