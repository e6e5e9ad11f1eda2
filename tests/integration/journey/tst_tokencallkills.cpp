// Kills between any two token calls (docs/architecture.md, "Kills between token calls"). The
// real kiosk (its autopilot, offscreen) works through a shim module in front of SoftHSM2 that
// ends it with SIGKILL just before the Nth call of a PKCS#11 function that changes the token
// (tests/harness/killcall-shim.c): C_GenerateKeyPair, C_SetAttributeValue, C_CreateObject,
// C_DestroyObject, and C_Login for completeness. Then the kiosk starts again on the same
// token and journal, and the client does what the screen offers.
//
// Each journey first runs once whole, counting its calls (the census); every N of every
// counted function is then a row of its own. After each restart:
//   - the journey finishes (for a refused one: the client's new request is with the bank);
//   - the bank holds at most one request per key and one live certificate for the client;
//   - at the kill, the old key still signed unless the new certificate was on the token;
//   - at the end, no key set is split (a half without its other half), every key the kiosk
//     made has CKA_ID = SHA-1 of its public key, and nothing belongs to no profile.
// The journeys: a renewal with auto approval, a renewal refused by the bank (and the new
// request after it), a staff recovery of an expired key (an ir), one signer of a sitting.
#include "kioskprocess.h"

#include <QTimer>

using namespace kk;
using namespace kk::test;

namespace {

enum class Journey
{
    Renewal,
    Refused,
    StaffRecovery,
    SittingSigner,
};

const char *const kCalls[] = {"C_GenerateKeyPair", "C_SetAttributeValue", "C_CreateObject",
                              "C_DestroyObject", "C_Login"};
const QString kReason = QStringLiteral("Неверно указан ИНН организации");

QString journeyName(Journey journey)
{
    switch (journey) {
    case Journey::Renewal:
        return QStringLiteral("renewal");
    case Journey::Refused:
        return QStringLiteral("refused");
    case Journey::StaffRecovery:
        return QStringLiteral("staff recovery");
    case Journey::SittingSigner:
        return QStringLiteral("sitting signer");
    }
    return {};
}

// The register's requests: their statuses, in order ("pending", "rejected", "confirmed", ...).
QStringList requestStatuses(const RaServer &bank)
{
    QStringList statuses;
    static const QRegularExpression row(
        QStringLiteral("^\\d+\\s+R-\\d+\\s+\\S+ \\S+\\s+\\S+\\s+(\\S+)"),
        QRegularExpression::MultilineOption);
    auto it = row.globalMatch(bank.cli({QStringLiteral("requests")}));
    while (it.hasNext())
        statuses << it.next().captured(1);
    return statuses;
}

int liveClientCertificates(const RaServer &bank)
{
    static const QRegularExpression live(QStringLiteral("^\\S+\\s+client\\s+live\\s"),
                                         QRegularExpression::MultilineOption);
    int count = 0;
    auto it = live.globalMatch(bank.cli({QStringLiteral("certificates")}));
    while (it.hasNext()) {
        it.next();
        ++count;
    }
    return count;
}

// One journey's world: the bank, the tokens, a private pcscd, the kiosk's directory (journal,
// acts, configuration) and the autopilot's environment; for a refused journey, an operator
// who refuses the first request once it is pending.
class World
{
public:
    explicit World(Journey journey) : m_journey(journey), m_bank(bankOptions(journey)) {}

    bool setUp(QString *why)
    {
        if (!m_bank.start() || !m_pcscd.start()) {
            *why = QStringLiteral("the bank or pcscd did not start");
            return false;
        }
        TokenOptions client;
        client.caDir = m_bank.dir();
        client.daysLeft = 20;
        QString target = softhsmModule();
        QStringList extra;
        if (journey() == Journey::StaffRecovery) {
            // Two token places: the staff token in the first reader, the client's in the second.
            m_tokens = std::make_unique<TestToken>(staffTokenOptions(m_bank.dir()));
            client.label = QStringLiteral("Client");
            client.daysLeft = -3; // expired: only staff can recover it
            client.uid = QStringLiteral("EXP-31");
            if (!m_tokens->isValid() || !m_tokens->addToken(client)) {
                *why = m_tokens->error();
                return false;
            }
            target = harnessPath("pinshim");
            extra << QStringLiteral("KK_SHIM_TARGET=") + softhsmModule()
                  << QStringLiteral("KK_SHIM_STATE=") + m_dir.filePath(QStringLiteral("pin"))
                  << QStringLiteral("KK_SHIM_SLOT_READERS=Staff=Virtual PCD 00 00;Client=Virtual "
                                    "PCD 00 01")
                  << QStringLiteral("KK_AUTOPILOT_STAFF_PIN=") + QString::fromLatin1(kStaffPin);
        } else {
            client.label = QStringLiteral("Director");
            client.commonName = QStringLiteral("Директоров Дмитрий");
            m_tokens = std::make_unique<TestToken>(client);
            if (!m_tokens->isValid()) {
                *why = m_tokens->error();
                return false;
            }
            if (journey() == Journey::SittingSigner) {
                target = harnessPath("pinshim");
                extra << QStringLiteral("KK_SHIM_TARGET=") + softhsmModule()
                      << QStringLiteral("KK_SHIM_STATE=") + m_dir.filePath(QStringLiteral("pin"))
                      << QStringLiteral("KK_SHIM_SLOT_READERS=Director=Virtual PCD 00 00")
                      << QStringLiteral("KK_AUTOPILOT_SITTING=1");
            }
        }
        if (journey() == Journey::Refused)
            extra << QStringLiteral("KK_AUTOPILOT_NEW_REQUEST=1");
        m_clientLabel = client.label;
        m_config = writeKioskConfig(m_dir, harnessPath("killshim"), m_bank);
        m_counts = m_dir.filePath(QStringLiteral("calls"));
        m_environment = autopilotEnvironment(m_pcscd)
                        << extra << QStringLiteral("KK_KILL_TARGET=") + target
                        << QStringLiteral("KK_KILL_COUNTS=") + m_counts
                        << QStringLiteral("KK_AUTOPILOT_SETTLE_MS=150")
                        << QStringLiteral("KK_AUTOPILOT_KEY_MS=40");
        if (journey() == Journey::Refused) {
            // The bank's operator refuses the first request once the kiosk has heard that the
            // bank holds it; the new one the client makes after it stays pending. Refusing as
            // soon as the register says pending would race the bank's own answer (it reads the
            // request again to answer, and may already answer the refusal), and the census
            // would count the calls of one path and the rows kill on another.
            m_operator.setInterval(250);
            QObject::connect(&m_operator, &QTimer::timeout, [this] {
                if (!m_kiosk ||
                    !m_kiosk->out().contains(QStringLiteral("the request is with the bank")) ||
                    requestStatuses(m_bank).value(0) != QLatin1String("pending"))
                    return;
                m_bank.cli({QStringLiteral("reject"), QStringLiteral("1"),
                            QStringLiteral("--reason"), kReason});
                m_operator.stop();
            });
            m_operator.start();
        }
        return !m_config.isEmpty();
    }

    Journey journey() const { return m_journey; }
    RaServer &bank() { return m_bank; }
    const QString &clientLabel() const { return m_clientLabel; }
    QStringList environment(const QString &kill = {}) const
    {
        return kill.isEmpty() ? m_environment
                              : m_environment + QStringList{QStringLiteral("KK_KILL_CALL=") + kill};
    }
    const QString &config() const { return m_config; }
    void kioskGone() { m_kiosk = nullptr; }

    // The cards go in once the kiosk waits for them (those still in from the last run stay):
    // the staff token first, and the client's once staff mode is on, as staff do.
    void insertCards(Kiosk &kiosk)
    {
        m_kiosk = &kiosk;
        if (journey() != Journey::StaffRecovery) {
            if (!m_clientCard.isInserted())
                m_clientCard.insert(m_pcscd.port());
            return;
        }
        if (!m_staffCard.isInserted())
            m_staffCard.insert(m_pcscd.port());
        if (!m_clientCard.isInserted() &&
            waitFor(kiosk, {QStringLiteral("waiting for the client's token")}, 30000))
            m_clientCard.insert(m_pcscd.port() + 1);
    }

    // The calls counted so far, by function ("C_SetAttributeValue" -> 10), and the kill, if any.
    QMap<QString, int> counts(QString *killedAt = nullptr) const
    {
        QMap<QString, int> counted;
        QFile file(m_counts);
        if (!file.open(QIODevice::ReadOnly))
            return counted;
        for (const QByteArray &line : file.readAll().split('\n')) {
            const QList<QByteArray> words = line.split(' ');
            if (words.size() == 3 && words[0] == "kill" && killedAt)
                *killedAt = QString::fromLatin1(words[1] + ':' + words[2]);
            else if (words.size() == 2)
                counted[QString::fromLatin1(words[0])] = words[1].toInt();
        }
        return counted;
    }

    // What the client's journey prints when it has done all it can this time (not refused).
    QStringList endMarks() const
    {
        if (m_journey == Journey::SittingSigner)
            return {QStringLiteral("autopilot: signer finished")};
        return {QStringLiteral("autopilot: journey finished"),
                QStringLiteral("autopilot: nothing to do"),
                QStringLiteral("autopilot: staff mode: nothing to recover")};
    }
    // Whether the client is where the journey leaves them.
    bool ended(Kiosk &kiosk) const
    {
        const QString out = kiosk.out();
        if (m_journey != Journey::Refused) {
            const QStringList marks = endMarks();
            return std::any_of(marks.begin(), marks.end(),
                               [&out](const QString &m) { return out.contains(m); });
        }
        // Refused, then a new request that the bank holds: the register has the refused request
        // and a pending one, and the kiosk waits again after the last refusal it showed (a
        // restart after the refused key was dropped simply renews: that is the new request).
        const int waiting =
            out.lastIndexOf(QStringLiteral("the request is with the bank, waiting"));
        const int refusal = out.lastIndexOf(QStringLiteral("offers NewRequest"));
        return waiting >= 0 && waiting > refusal &&
               requestStatuses(m_bank) ==
                   QStringList({QStringLiteral("rejected"), QStringLiteral("pending")});
    }

private:
    static RaServer::Options bankOptions(Journey journey)
    {
        RaServer::Options o;
        o.autoDelaySeconds = 1; // "waiting" first, then the certificate
        o.checkAfterSeconds = 1;
        if (journey == Journey::Refused)
            o.approval = QStringLiteral("manual");
        return o;
    }

    Journey m_journey;
    RaServer m_bank;
    std::unique_ptr<TestToken> m_tokens;
    PrivatePcscd m_pcscd;
    QTemporaryDir m_dir;
    QString m_config, m_counts, m_clientLabel;
    QStringList m_environment;
    VirtualCard m_staffCard, m_clientCard;
    QTimer m_operator;
    Kiosk *m_kiosk = nullptr; // the one running now, whose screen the operator's timing follows
};

// Runs the kiosk until the journey ends (or, with `kill`, until the shim kills it).
Run runKiosk(World &world, const QString &kill, bool *ended)
{
    Kiosk kiosk(world.config(), world.environment(kill));
    if (!kiosk.started() ||
        !waitFor(kiosk, {QStringLiteral("autopilot: waiting for the token")}, 15000)) {
        *ended = false;
        return kiosk.stop();
    }
    world.insertCards(kiosk);
    QElapsedTimer timer;
    timer.start();
    *ended = false;
    while (timer.elapsed() < 90000 && kiosk.running()) {
        if (world.ended(kiosk)) {
            *ended = true;
            break;
        }
        QTest::qWait(100);
    }
    const Run run = kiosk.running() ? kiosk.stop() : kiosk.waitForDeath(1000);
    world.kioskGone();
    return run;
}

// The census: the journey once, whole; how many calls of each function it makes.
QMap<QString, int> census(Journey journey, QString *why)
{
    World world(journey);
    if (!world.setUp(why))
        return {};
    bool ended = false;
    const Run run = runKiosk(world, {}, &ended);
    if (!ended) {
        *why = QStringLiteral("the %1 journey did not end: %2")
                   .arg(journeyName(journey), run.out.right(1500) + run.log.right(2500));
        return {};
    }
    return world.counts();
}

} // namespace

class TestTokenCallKills : public QObject
{
    Q_OBJECT
private:
    void rows(Journey journey)
    {
        QTest::addColumn<QString>("kill");
        QString why;
        const QMap<QString, int> counted = census(journey, &why);
        QVERIFY2(!counted.isEmpty(), qPrintable(why));
        QStringList table;
        for (const char *call : kCalls) {
            const int n = counted.value(QString::fromLatin1(call));
            table << QStringLiteral("%1 x%2").arg(QLatin1String(call)).arg(n);
            for (int i = 1; i <= n; ++i) {
                const QString kill = QStringLiteral("%1:%2").arg(QLatin1String(call)).arg(i);
                QTest::newRow(qPrintable(kill)) << kill;
            }
        }
        qInfo("census of the %s journey: %s", qPrintable(journeyName(journey)),
              qPrintable(table.join(QStringLiteral(", "))));
        // Every journey changes the token: a census of nothing would make a matrix of nothing.
        QVERIFY(counted.value(QStringLiteral("C_GenerateKeyPair")) >= 1);
        QVERIFY(counted.value(QStringLiteral("C_SetAttributeValue")) >= 2);
    }

    void killThenRestart(Journey journey)
    {
        QFETCH(QString, kill);
        World world(journey);
        QString why;
        QVERIFY2(world.setUp(&why), qPrintable(why));

        // 1. The kiosk dies just before that call.
        bool ended = false;
        const Run killed = runKiosk(world, kill, &ended);
        QString killedAt;
        world.counts(&killedAt);
        QVERIFY2(
            killed.crashed && killedAt == kill,
            qPrintable(QStringLiteral("expected a kill at %1, got '%2'\n").arg(kill, killedAt) +
                       killed.out.right(1500) + killed.log.right(2500)));
        const Audit atKill = audit(world.clientLabel());
        QVERIFY2(atKill.live >= 0, qPrintable(atKill.text));
        // The old key signs until the new certificate is on the token.
        if (!atKill.currentLive)
            QVERIFY2(atKill.newCertificates + atKill.live >= 1, qPrintable(atKill.text));
        QCOMPARE(atKill.unverified, 0);
        QVERIFY2(atKill.live <= 1, qPrintable(atKill.text));

        // 2. The same kiosk again, on the same token and journal.
        const Run restarted = runKiosk(world, {}, &ended);
        QVERIFY2(ended, qPrintable(restarted.out.right(2000) + restarted.log.right(5000)));

        // 3. The bank: at most one request per key (the register's unique key), one live
        // certificate for the client.
        const QStringList statuses = requestStatuses(world.bank());
        const Audit end = audit(world.clientLabel());
        if (journey == Journey::Refused) {
            QCOMPARE(statuses,
                     (QStringList{QStringLiteral("rejected"), QStringLiteral("pending")}));
            QVERIFY2(restarted.log.contains(kReason) || killed.log.contains(kReason),
                     "the bank's reason was shown");
            QCOMPARE(end.live, 1);
            QVERIFY2(end.currentLive, qPrintable(end.text)); // refused: the old key works on
            QVERIFY2(!end.text.contains(QStringLiteral("kk-refused")), qPrintable(end.text));
        } else {
            QCOMPARE(statuses, QStringList{QStringLiteral("confirmed")});
            QVERIFY2(end.live == 1,
                     qPrintable(end.text + restarted.out.right(2000) + restarted.log.right(4000)));
            QVERIFY2(!end.currentLive, qPrintable(end.text));
            QCOMPARE(end.newCertificates, 0);
            QCOMPARE(end.keysWithoutCertificate, 0);
        }
        QCOMPARE(liveClientCertificates(world.bank()), 1);
        // 4. The token: whole key sets, the kiosk's ids, nothing of no profile; the live key signs.
        QCOMPARE(end.unverified, 0);
        QVERIFY2(end.halves == 0 && end.badIds == 0 && end.orphans == 0, qPrintable(end.text));
        qInfo("%s, killed before %s: restarted and finished; register: %s; token: %d live, "
              "%d archived, halves 0, bad ids 0, orphans 0%s",
              qPrintable(journeyName(journey)), qPrintable(kill),
              qPrintable(statuses.join(QLatin1Char(','))), end.live, end.archived,
              restarted.log.contains(QStringLiteral("repair:")) ? "; repaired" : "");
    }

private slots:
    void renewal_data() { rows(Journey::Renewal); }
    void renewal() { killThenRestart(Journey::Renewal); }
    void refused_data() { rows(Journey::Refused); }
    void refused() { killThenRestart(Journey::Refused); }
    void staffRecovery_data() { rows(Journey::StaffRecovery); }
    void staffRecovery() { killThenRestart(Journey::StaffRecovery); }
    void sittingSigner_data() { rows(Journey::SittingSigner); }
    void sittingSigner() { killThenRestart(Journey::SittingSigner); }
};

QTEST_GUILESS_MAIN(TestTokenCallKills)
#include "tst_tokencallkills.moc"
