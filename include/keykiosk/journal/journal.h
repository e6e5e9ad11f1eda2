#pragma once
// The kiosk's durable record of renewals under way (SQLite, WAL, synchronous FULL): which
// token, which profile, which state, since when. A kiosk that restarts, or a client who
// comes back, continues from here; the token itself carries the pending key.

#include "keykiosk/enums.h"
#include "keykiosk/expected.h"

#include <QDateTime>

#include <memory>
#include <optional>

struct sqlite3;

namespace kk {

struct JournalEntry
{
    QString tokenSerial;
    QByteArray currentKeyId;
    WorkflowState state = WorkflowState::Idle;
    QByteArray newKeyId;
    QString detail; // the bank's text, or an error id
    QDateTime started;
    QDateTime updated;
};

class Journal
{
public:
    static Expected<std::unique_ptr<Journal>> open(const QString &path);
    ~Journal();
    Error record(const JournalEntry &entry); // insert or update (token serial + key id)
    Expected<std::optional<JournalEntry>> find(const QString &tokenSerial,
                                               const QByteArray &currentKeyId);
    Error remove(const QString &tokenSerial, const QByteArray &currentKeyId);

private:
    struct Closer
    {
        void operator()(sqlite3 *db) const;
    };
    explicit Journal(sqlite3 *db);
    std::unique_ptr<sqlite3, Closer> m_db;
};

} // namespace kk
