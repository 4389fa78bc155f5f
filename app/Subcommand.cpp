#include "Subcommand.h"

namespace sb {

QStringList subcommandWords(const QStringList &args, const QStringList &commands)
{
    QStringList words = args;
    if (words.size() > 1 && !commands.contains(words.first()) && commands.contains(words.at(1)))
        words.removeFirst(); // the program name
    if (words.isEmpty() || !commands.contains(words.first()))
        return {};
    return words;
}

std::unique_ptr<QCoreApplication> ensureCoreApplication()
{
    static int argc = 1;
    static char name[] = "switchboard";
    static char *argv[] = {name, nullptr};
    if (QCoreApplication::instance())
        return nullptr;
    return std::make_unique<QCoreApplication>(argc, argv);
}

} // namespace sb
