// kk-bench-act: what the acceptance act costs the kiosk - reading the certificate, writing
// the two-page PDF, and painting the on-screen preview - so that the Done screen's wait is
// known. Prints figures only. Usage: kk-bench-act CERT [ROUNDS]
#include "keykiosk/act/acceptanceact.h"

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace kk;

namespace {
void report(const char *what, std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    std::printf("%-44s median %7.2f ms   p90 %7.2f ms\n", what, ms[ms.size() / 2],
                ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]);
}
} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: kk-bench-act CERT [ROUNDS]\n");
        return 2;
    }
    QFile file(QString::fromLocal8Bit(argv[1]));
    if (!file.open(QIODevice::ReadOnly))
        return 2;
    const QByteArray cert = file.readAll();
    const int rounds = argc > 2 ? std::max(1, atoi(argv[2])) : 20;
    QTemporaryDir dir;
    std::vector<double> parse, pdf, preview;
    qint64 pdfBytes = 0;
    for (int i = 0; i < rounds; ++i) {
        QElapsedTimer timer;
        timer.start();
        auto data = actDataFromCertificate(cert, BankDetails{});
        parse.push_back(timer.nsecsElapsed() / 1e6);
        if (!data)
            return 1;
        ActRenderer act(data.value());
        const QString path = dir.filePath(QStringLiteral("act%1.pdf").arg(i));
        timer.restart();
        if (act.writePdf(path))
            return 1;
        pdf.push_back(timer.nsecsElapsed() / 1e6);
        pdfBytes = QFile(path).size();
        timer.restart();
        const QImage image = act.preview(600);
        preview.push_back(timer.nsecsElapsed() / 1e6);
        if (image.isNull())
            return 1;
    }
    report("certificate -> act data (parse, SHA-256)", parse);
    report("two-page A4 PDF at 300 dpi (QPdfWriter)", pdf);
    report("on-screen preview, 600 px wide", preview);
    std::printf("PDF size: %lld bytes\n", static_cast<long long>(pdfBytes));
    return 0;
}
