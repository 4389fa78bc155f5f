#pragma once

#include "protocol/Codec.h"
#include "protocol/SseParser.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <catch2/catch.hpp>

#include <functional>
#include <memory>

namespace Catch {
template<> struct StringMaker<QString>
{
    static std::string convert(const QString &value) { return '"' + value.toStdString() + '"'; }
};
template<> struct StringMaker<QByteArray>
{
    static std::string convert(const QByteArray &value) { return '"' + value.toStdString() + '"'; }
};
template<> struct StringMaker<QStringList>
{
    static std::string convert(const QStringList &value)
    {
        std::string text = "{\n";
        for (const QString &line : value)
            text += "  " + line.toStdString() + "\n";
        return text + "}";
    }
};
} // namespace Catch

namespace sb::test {

QByteArray readFixture(const QString &relativePath); // under tests/fixtures/protocol/
QJsonObject readJsonFixture(const QString &relativePath);
QJsonObject parseObject(const QByteArray &json);

// One line per event, with every field that matters, so event lists compare with `==` and
// a mismatch prints readably.
QString describe(const StreamEvent &event);
QStringList describe(const StreamEvents &events);

using DecoderFactory = std::function<std::unique_ptr<StreamDecoder>()>;

// Feeds `bytes` whole, then finish().
StreamEvents decodeWhole(const DecoderFactory &factory, const QByteArray &bytes);
// Feeds `bytes` in two pieces cut at `cut`, then finish().
StreamEvents decodeSplit(const DecoderFactory &factory, const QByteArray &bytes, qsizetype cut);
// Feeds one byte at a time, then finish().
StreamEvents decodeByteByByte(const DecoderFactory &factory, const QByteArray &bytes);
// Replaces generated ids ("msg_"/"toolu_" + 24 alphanumerics) with "msg_*"/"toolu_*", for
// comparing decodes of streams whose ids the gateway invents.
QStringList normalizeIds(const QStringList &lines);
// Checks that every two-piece split and the byte-by-byte feed give exactly `expected`
// (after normalizeIds() when `normalize`); returns the number of splits that differed.
int countSplitMismatches(const DecoderFactory &factory, const QByteArray &bytes, const QStringList &expected,
                         bool normalize = false);

// Encoder output parsed back: SSE events with their JSON data.
struct ParsedSse
{
    QByteArray event;
    QByteArray rawData;
    QJsonObject data; // empty when rawData is not a JSON object (e.g. "[DONE]")
};
std::vector<ParsedSse> parseSse(const QByteArray &bytes);

} // namespace sb::test
