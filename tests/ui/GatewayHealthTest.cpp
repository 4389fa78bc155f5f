// The pure rules behind the status line and the charts: no gateway, no widgets.
#include "controllers/GatewayHealth.h"
#include "charts/SeriesBuffer.h"
#include "widgets/LineIcon.h"

#include <catch2/catch.hpp>

#include <QDir>
#include <QIcon>
#include <QImage>
#include <QJsonObject>
#include <QPalette>

using namespace sb;

namespace {
QJsonObject probeEntry(const QString &id, bool reachable,
                       const QString &apiBase = QStringLiteral("http://127.0.0.1:11434"))
{
    QJsonObject entry{{QStringLiteral("id"), id},
                      {QStringLiteral("model_name"), QStringLiteral("main")},
                      {QStringLiteral("model"), QStringLiteral("ollama/m")},
                      {QStringLiteral("provider"), QStringLiteral("Ollama")},
                      {QStringLiteral("api_base"), apiBase},
                      {QStringLiteral("reachable"), reachable}};
    if (reachable)
        entry.insert(QStringLiteral("latency_ms"), 3);
    else
        entry.insert(QStringLiteral("error"), QStringLiteral("Connection refused"));
    return entry;
}
} // namespace

TEST_CASE("the status is green only when every deployment can be reached")
{
    const QVector<DeploymentHealth> up = health::fromProbe({probeEntry(QStringLiteral("a"), true)}, {}, 5, 0);
    const GatewayHealth healthy = health::summarize(false, true, true, up, {});
    CHECK(healthy.level == GatewayHealth::Level::Healthy);
    CHECK(healthy.canServe());
    CHECK(up.first().latencyMs == 3);

    // Not probed yet: running, but not green.
    CHECK(health::summarize(false, true, false, up, {}).level == GatewayHealth::Level::Checking);

    // Ollama down: the one cause is the headline, with what to do.
    const QVector<DeploymentHealth> down =
        health::fromProbe({probeEntry(QStringLiteral("a"), false), probeEntry(QStringLiteral("b"), false)}, {}, 5, 0);
    const GatewayHealth dead = health::summarize(false, true, true, down, {});
    CHECK(dead.level == GatewayHealth::Level::Down);
    CHECK_FALSE(dead.canServe());
    CHECK(dead.headline == QStringLiteral("Gateway running — Ollama at 127.0.0.1:11434 not reachable: is `ollama "
                                          "serve` running?"));
    CHECK(dead.reachable == 0);
    CHECK(dead.total == 2);

    const QVector<DeploymentHealth> mixed =
        health::fromProbe({probeEntry(QStringLiteral("a"), true),
                           probeEntry(QStringLiteral("b"), false, QStringLiteral("https://api.example.com")),
                           probeEntry(QStringLiteral("c"), true)},
                          {}, 5, 0);
    const GatewayHealth some = health::summarize(false, true, true, mixed, {});
    CHECK(some.level == GatewayHealth::Level::Degraded);
    CHECK(some.headline == QStringLiteral("Gateway running — 2 of 3 deployments reachable"));
    CHECK(some.detail.contains(QStringLiteral("api.example.com:443 not reachable")));

    const GatewayHealth failed = health::summarize(false, false, false, {}, QStringLiteral("port 4000 is in use"));
    CHECK(failed.level == GatewayHealth::Level::Failed);
    CHECK(failed.detail == QStringLiteral("port 4000 is in use"));
    CHECK(health::summarize(false, false, false, {}, {}).level == GatewayHealth::Level::Stopped);
    CHECK(health::summarize(true, false, false, {}, {}).level == GatewayHealth::Level::Starting);
}

TEST_CASE("a reachable deployment whose last request failed is cooling down, then failing, with the message")
{
    QHash<QString, health::Failure> failures;
    failures.insert(QStringLiteral("a"), {QStringLiteral("model m not found"), 10'000});
    const auto cooling = health::fromProbe({probeEntry(QStringLiteral("a"), true)}, failures, 5, 12'000);
    CHECK(cooling.first().state == DeploymentHealth::State::CoolingDown);
    CHECK(cooling.first().message == QStringLiteral("model m not found"));
    const auto failing = health::fromProbe({probeEntry(QStringLiteral("a"), true)}, failures, 5, 20'000);
    CHECK(failing.first().state == DeploymentHealth::State::Failing);
    CHECK(health::summarize(false, true, true, failing, {}).level == GatewayHealth::Level::Down);
}

TEST_CASE("a reload says what changed")
{
    GatewayConfig before;
    Deployment a;
    a.id = QStringLiteral("a");
    a.model = QStringLiteral("ollama/m");
    a.apiBase = QUrl(QStringLiteral("http://127.0.0.1:11434"));
    before.deployments.push_back(a);
    GatewayConfig after = before;
    Deployment b = a;
    b.id = QStringLiteral("b");
    after.deployments.push_back(b);
    after.port = 4100;
    const QStringList changes = health::describeChange(before, after);
    CHECK(changes.contains(QStringLiteral("deployment b added")));
    CHECK(changes.contains(QStringLiteral("address 127.0.0.1:4000 → 127.0.0.1:4100 (applies on restart)")));
    CHECK(health::describeChange(after, before).contains(QStringLiteral("deployment b removed")));
    CHECK(health::describeChange(before, before).isEmpty());
}

TEST_CASE("the series buffer keeps one sample per slot within its horizon")
{
    SeriesBuffer buffer(10'000, 1'000);
    buffer.append(QStringLiteral("m"), 0, 1);
    buffer.append(QStringLiteral("m"), 500, 2); // same 1 s slot: replaces
    buffer.append(QStringLiteral("m"), 1'000, 3);
    buffer.append(QStringLiteral("other"), 1'000, 7);
    CHECK(buffer.sampleCount(QStringLiteral("m")) == 2);
    CHECK(buffer.seriesNames() == QStringList{QStringLiteral("m"), QStringLiteral("other")});
    const QVector<QPointF> points = buffer.points(QStringLiteral("m"), 2'000, 10'000);
    REQUIRE(points.size() == 2);
    CHECK(points[0] == QPointF(-1.5, 2));
    CHECK(points[1] == QPointF(-1.0, 3));
    CHECK(buffer.maxValue(2'000, 10'000) == 7);
    // A window shorter than the history shows only its part.
    CHECK(buffer.points(QStringLiteral("m"), 2'000, 1'000).size() == 1);
    // Time never runs backwards.
    buffer.append(QStringLiteral("m"), 200, 99);
    CHECK(buffer.sampleCount(QStringLiteral("m")) == 2);
    // Past the horizon, old samples go.
    buffer.append(QStringLiteral("m"), 10'800, 4);
    CHECK(buffer.sampleCount(QStringLiteral("m")) == 2);
    CHECK(buffer.points(QStringLiteral("m"), 10'800, 20'000).first().y() == 3);
    buffer.trim(100'000);
    CHECK(buffer.maxValue(100'000, 10'000) == 0);
}

TEST_CASE("every icon of the window renders (the SVG plugins are installed)")
{
    // Without Qt's SVG plugins (Debian: libqt6svg6) every icon is blank while all else works;
    // this is the test that says so.
    const QStringList icons = QDir(QStringLiteral(":/switchboard/icons")).entryList({QStringLiteral("*.svg")});
    REQUIRE(icons.size() >= 10);
    for (const QString &name : icons) {
        INFO(name.toStdString());
        const QImage image = QIcon(QStringLiteral(":/switchboard/icons/") + name).pixmap(32, 32).toImage();
        REQUIRE_FALSE(image.isNull());
        bool drawn = false;
        for (int y = 0; y < image.height() && !drawn; ++y)
            for (int x = 0; x < image.width() && !drawn; ++x)
                drawn = qAlpha(image.pixel(x, y)) > 0;
        CHECK(drawn);
    }
}

TEST_CASE("line icons keep their grey on a light palette and take the text colour on a dark one")
{
    const QString path = QStringLiteral(":/switchboard/icons/copy.svg");
    // The colour of the most opaque pixel: the line's own colour.
    auto ink = [](const QIcon &icon) {
        const QImage image = icon.pixmap(32, 32).toImage().convertToFormat(QImage::Format_ARGB32);
        QRgb best = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (qAlpha(image.pixel(x, y)) > qAlpha(best))
                    best = image.pixel(x, y);
        return QColor::fromRgb(best);
    };
    QPalette light;
    light.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    light.setColor(QPalette::WindowText, Qt::black);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x2d));
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    CHECK_FALSE(isDarkPalette(light));
    CHECK(isDarkPalette(dark));
    const QColor drawn = ink(lineIcon(path, light));
    CHECK(drawn.name() == QStringLiteral("#5f6b7a")); // as resources/icons draws it
    const QColor tinted = ink(lineIcon(path, dark));
    CHECK(tinted.lightness() > 200); // light lines on the dark window
}
