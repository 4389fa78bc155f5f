// switchboard-config-reference: prints the config reference table generated from ConfigSchema;
// `--write README.md` rewrites the README's block between the config-reference markers,
// `--check README.md` fails when the committed block differs (a ctest test runs it).
#include "config/ConfigSchema.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>
#include <QTextStream>

#include <optional>

namespace {

const QString kBegin = QStringLiteral("<!-- config-reference:begin -->");
const QString kEnd = QStringLiteral("<!-- config-reference:end -->");

// The README with its reference block replaced by the generated one; nothing without markers.
std::optional<QString> withReference(const QString &readme)
{
    const qsizetype begin = readme.indexOf(kBegin);
    const qsizetype end = readme.indexOf(kEnd);
    if (begin < 0 || end < begin)
        return std::nullopt;
    const QString block = kBegin +
                          QStringLiteral("\n<!-- generated from core/config/ConfigSchema.cpp; do not edit -->\n") +
                          sb::ConfigSchema::markdownReference() + kEnd;
    return readme.left(begin) + block + readme.mid(end + kEnd.size());
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.isEmpty()) {
        out << sb::ConfigSchema::markdownReference();
        return 0;
    }
    if (args.size() != 2 || (args[0] != QStringLiteral("--write") && args[0] != QStringLiteral("--check"))) {
        err << "usage: switchboard-config-reference [--write|--check README.md]\n";
        return 2;
    }
    QFile file(args[1]);
    if (!file.open(QIODevice::ReadOnly)) {
        err << "cannot read " << args[1] << ": " << file.errorString() << "\n";
        return 2;
    }
    const QString readme = QString::fromUtf8(file.readAll());
    file.close();
    const std::optional<QString> generated = withReference(readme);
    if (!generated) {
        err << args[1] << " has no " << kBegin << " … " << kEnd << " block\n";
        return 2;
    }
    if (args[0] == QStringLiteral("--check")) {
        if (*generated == readme)
            return 0;
        err << args[1] << ": the config reference differs from core/config/ConfigSchema.cpp; regenerate it with\n"
            << "    cmake --build build --target update-config-reference\n";
        return 1;
    }
    if (*generated == readme)
        return 0;
    QSaveFile save(args[1]);
    if (!save.open(QIODevice::WriteOnly) || save.write(generated->toUtf8()) < 0 || !save.commit()) {
        err << "cannot write " << args[1] << ": " << save.errorString() << "\n";
        return 2;
    }
    out << "rewrote the config reference in " << args[1] << "\n";
    return 0;
}
