#pragma once

#include "doctor/DoctorCheck.h"
#include "doctor/DoctorInputs.h"

#include <catch2/catch.hpp>

#include <QString>

#include <vector>

namespace Catch {
template<> struct StringMaker<QString>
{
    static std::string convert(const QString &value) { return '"' + value.toStdString() + '"'; }
};
} // namespace Catch

namespace sb::test {

// An Ollama deployment as the loader makes one from `model: ollama/<upstream>`.
Deployment ollamaDeployment(const QString &modelName, const QString &upstreamModel, int contextLength = 32768,
                            const QString &apiBase = QStringLiteral("http://127.0.0.1:11434"));
// Inputs for a config of these deployments, at a gateway on port 4000.
DoctorInputs doctorInputs(const std::vector<Deployment> &deployments);
QStringList checkIds(const QList<DoctorCheck> &checks);
const DoctorCheck *findCheck(const QList<DoctorCheck> &checks, const QString &id);

} // namespace sb::test
