#include "IdGenerator.h"

#include <QRandomGenerator>

namespace sb {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr int kAlphabetSize = sizeof kAlphabet - 1;
} // namespace

QString IdGenerator::messageId()
{
    return withPrefix(QStringLiteral("msg_"));
}

QString IdGenerator::toolUseId()
{
    return withPrefix(QStringLiteral("toolu_"));
}

QString IdGenerator::withPrefix(const QString &prefix, int length)
{
    QString id;
    id.reserve(prefix.size() + length);
    id += prefix;
    // Ids need to be unique, not secret: a per-thread generator seeded once from the system
    // avoids a locked call into the global CSPRNG for every character on the hot path.
    thread_local QRandomGenerator random(QRandomGenerator::global()->generate());
    for (int i = 0; i < length; ++i)
        id += QLatin1Char(kAlphabet[random.bounded(kAlphabetSize)]);
    return id;
}

} // namespace sb
