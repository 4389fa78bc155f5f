#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

#include <catch2/catch.hpp>

namespace Catch {
template<> struct StringMaker<QString>
{
    static std::string convert(const QString &value) { return '"' + value.toStdString() + '"'; }
};
} // namespace Catch

// Reads tests/fixtures/hardware/<name>; an empty result fails the calling REQUIRE.
inline QByteArray hardwareFixture(const QString &name)
{
    QFile file(QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/hardware/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline QString hardwareFixturePath(const QString &name)
{
    return QStringLiteral(SWITCHBOARD_FIXTURE_DIR "/hardware/") + name;
}
