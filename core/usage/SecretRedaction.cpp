#include "SecretRedaction.h"

#include <QRegularExpression>

#include <array>

namespace sb::secret_redaction {

namespace {

const QString kEllipsis = QStringLiteral("…");

// A secret is at least 8 characters after its marker: "sk-learn" or "Bearer token" are words,
// not keys. Masking a word by mistake costs nothing; keeping a key would.
// Values after a header name or "Bearer" stop before "…" (possessive, then not followed by
// "…"), so a key the first pattern already masked keeps its "sk-ant-" marker.
const std::array<QRegularExpression, 4> &patterns()
{
    static const std::array<QRegularExpression, 4> list{
        // OpenAI "sk-…", "sk-proj-…"; Anthropic "sk-ant-api03-…" (not "task-…").
        QRegularExpression(QStringLiteral(
            "(?<![A-Za-z0-9_-])(sk-(?:ant-(?:[a-z]+[0-9]*-)?|proj-|svcacct-|admin-)?)[A-Za-z0-9_-]{8,}")),
        // The gateway's own tokens: "sb-" and 43 characters of base64url.
        QRegularExpression(QStringLiteral("(?<![A-Za-z0-9_-])(sb-)[A-Za-z0-9_-]{32,}")),
        QRegularExpression(QStringLiteral("\\b(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}+(?!…)"),
                           QRegularExpression::CaseInsensitiveOption),
        QRegularExpression(
            QStringLiteral("\\b((?:x-api-key|x-goog-api-key|api[-_]?key|access[-_]token)[\"']?\\s*[:=]\\s*"
                           "[\"']?)[^\\s\"'&,;…]{8,}+(?!…)"),
            QRegularExpression::CaseInsensitiveOption),
    };
    return list;
}

bool continuesToken(QChar c)
{
    return c.isLetterOrNumber() || QStringView(u"-_.~+/=").contains(c);
}

} // namespace

QString redactSecrets(const QString &text)
{
    if (text.isEmpty())
        return text;
    QString out = text;
    for (const QRegularExpression &pattern : patterns())
        out.replace(pattern, QStringLiteral("\\1") + kEllipsis);
    return out;
}

QString storedErrorMessage(const QString &message)
{
    if (message.isEmpty())
        return message; // null stays null, empty stays empty
    QString text = message;
    bool cut = false;
    // Masking scans a bounded piece only, four times what is kept. The piece ends between tokens, so no key is cut to a
    // stub too short to be recognised; a run of token characters longer than any key is cut where it is.
    constexpr qsizetype kScanned = 4 * kMaxErrorMessage;
    constexpr qsizetype kLongestKey = 256;
    if (text.size() > kScanned) {
        qsizetype end = kScanned;
        while (end > kScanned - kLongestKey && continuesToken(text.at(end - 1)) && continuesToken(text.at(end)))
            --end;
        text.truncate(end);
        cut = true;
    }
    text = redactSecrets(text);
    if (cut || text.size() > kMaxErrorMessage) {
        qsizetype keep = qMin(text.size(), kMaxErrorMessage - kEllipsis.size());
        if (keep > 0 && text.at(keep - 1).isHighSurrogate())
            --keep; // never half of a character
        text = text.left(keep) + kEllipsis;
    }
    return text;
}

} // namespace sb::secret_redaction
