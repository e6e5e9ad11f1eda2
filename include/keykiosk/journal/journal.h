#pragma once
// The kiosk's durable record of key renewals (SQLite, WAL, synchronous FULL): for each token
// and profile (its current key id), the lifecycle's last stable point, the new key and the
// bank's request number. Only stable points are written (docs/architecture.md, "The key
// lifecycle"); on a restart the token is the truth and the journal is reconciled with it.
// Thread-safe: the bank's thread records the certificate's arrival inside certConf.

#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/expected.h"
#include "keykiosk/journey/sitting.h"

#include <QDateTime>

#include <memory>
#include <mutex>
#include <optional>

struct sqlite3;

namespace kk {

struct JournalEntry
{
    QString tokenSerial;
    QByteArray profileKeyId; // the current key the renewal replaces
    KeyLifecycle lifecycle = KeyLifecycle::NeedKey;
    QByteArray newKeyId;
    QString requestNumber; // the bank's number ("R-000042"), once it answered
    QString detail;        // the bank's last text, or an error id
    QDateTime started;
    QDateTime updated;
};

class Journal
{
public:
    static constexpr int kSchemaVersion = 3;

    static Expected<std::unique_ptr<Journal>> open(const QString &path);
    ~Journal();
    // Insert or update (token serial + profile key id). In-flight states are refused: they
    // are never written down (an Internal error says who tried).
    Error record(const JournalEntry &entry);
    Expected<std::optional<JournalEntry>> find(const QString &tokenSerial,
                                               const QByteArray &profileKeyId);
    // The renewal that installed this key (its new key id), for the act of its certificate.
    Expected<std::optional<JournalEntry>> findByNewKey(const QString &tokenSerial,
                                                       const QByteArray &newKeyId);
    Error remove(const QString &tokenSerial, const QByteArray &profileKeyId);
    // Every renewal of this token the journal knows, to reconcile them with the token.
    Expected<QVector<JournalEntry>> forToken(const QString &tokenSerial);

    // Signers' sittings: the whole board, written at once (a crash or an idle timeout brings
    // it back as it was). One sitting is open at a time; a closed one stays for staff.
    Error saveSitting(const Sitting &sitting);
    Expected<std::optional<Sitting>> openSitting();
    Expected<std::optional<Sitting>> sitting(const QString &id);

private:
    struct Closer
    {
        void operator()(sqlite3 *db) const;
    };
    explicit Journal(sqlite3 *db);
    Expected<QVector<JournalEntry>> select(const char *where, const QString &serial,
                                           const QByteArray *id);
    Expected<std::optional<Sitting>> readSitting(const char *where, const QString &id);
    std::unique_ptr<sqlite3, Closer> m_db;
    std::mutex m_mutex;
};

} // namespace kk
