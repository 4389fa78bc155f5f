#include "DoctorCommand.h"

#include "CommandSetup.h"

#include "doctor/Doctor.h"
#include "doctor/DoctorReport.h"

#include <QJsonDocument>
#include <QProcessEnvironment>

namespace sb::cli {

namespace {

int runDoctor(const CommandLine &line, const Setup &setup)
{
    DoctorInputs inputs;
    inputs.configPath = setup.configPath;
    inputs.config = setup.config;
    inputs.configErrors = setup.configErrors;
    inputs.stateDir = setup.stateDir;
    inputs.gatewayUrl = setup.gatewayUrl;
    inputs.gatewayToken = gatewayToken(setup, line);
    inputs.ollamaUrl = setup.ollamaUrl;
    inputs.claudePaths = connectorFor(setup, line).paths();
    inputs.environment = QProcessEnvironment::systemEnvironment();

    Doctor doctor;
    QList<DoctorCheck> checks;
    bool done = false;
    QObject::connect(&doctor, &Doctor::finished, &doctor, [&](const QList<DoctorCheck> &result) {
        checks = result;
        done = true;
    });
    doctor.run(inputs);
    waitFor(done);
    if (line.json)
        out() << QJsonDocument(DoctorReport::json(checks)).toJson(QJsonDocument::Indented);
    else
        out() << DoctorReport::text(checks);
    return doctorPassed(checks) ? 0 : 1;
}

} // namespace

int runDoctorCommand(const QStringList &words)
{
    const CommandLine line = parseCommandLine(words);
    return runDoctor(line, loadSetup(line));
}

} // namespace sb::cli
