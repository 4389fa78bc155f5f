// The Claude settings merge (JsonTextEdit): for any JSON object text and an edit of its env
// (a key set, one removed, env dropped, chosen by the first byte), the rewritten text reads
// back as exactly the target, and a no-op edit changes no byte.
#include "FuzzSupport.h"
#include "claudecode/JsonTextEdit.h"

#include <QJsonDocument>

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::ensureApplication();
    if (size < 1)
        return 0;
    const QByteArray text(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const QJsonDocument document = QJsonDocument::fromJson(text);
    if (!document.isObject())
        return 0;
    const QJsonObject original = document.object();
    const Expected<QByteArray, QString> same = JsonTextEdit::rewrite(text, original);
    if (same)
        fuzz::require(*same == text, "rewriting to the same object changes nothing");

    QJsonObject target = original;
    QJsonObject env = target.value(QStringLiteral("env")).toObject();
    switch (data[0] % 4) {
    case 0: env.insert(QStringLiteral("ANTHROPIC_BASE_URL"), QStringLiteral("http://127.0.0.1:4000")); break;
    case 1:
        if (!env.isEmpty())
            env.remove(env.keys().first());
        break;
    case 2: target.remove(QStringLiteral("env")); break;
    default: target.insert(QStringLiteral("added"), QJsonObject{{QStringLiteral("n"), 1}}); break;
    }
    if (data[0] % 4 < 2)
        target.insert(QStringLiteral("env"), env);
    const Expected<QByteArray, QString> edited = JsonTextEdit::rewrite(text, target);
    if (edited)
        fuzz::require(QJsonDocument::fromJson(*edited).object() == target, "the edit reads back as the target");
    return 0;
}
