#pragma once
// The bank's traffic runs here, on threads of its own (docs/architecture.md, "Threads"): a
// CMP exchange - HTTP, parsing, checking the answer - holds one of them for as long as the
// bank takes, never the token thread (which only signs, when the exchange asks it to) nor
// the GUI thread (which gets the result).

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace kk {

class BankService : public QObject
{
    Q_OBJECT
public:
    explicit BankService(QObject *parent = nullptr);
    // Waits for the exchanges under way; each ends by its own message timeout.
    ~BankService() override;

    // Runs `job` on a bank thread; `done` gets its result on `receiver`'s thread, or is
    // dropped if the receiver is gone by then.
    template <typename Result>
    void run(QObject *receiver, std::function<Result()> job, std::function<void(Result)> done)
    {
        QPointer<QObject> guard(receiver);
        m_pool.start([guard, job = std::move(job), done = std::move(done)] {
            QThread::currentThread()->setObjectName(QStringLiteral("kk-bank"));
            auto result = std::make_shared<Result>(job());
            if (guard)
                QMetaObject::invokeMethod(
                    guard.data(), [result, done] { done(std::move(*result)); },
                    Qt::QueuedConnection);
        });
    }

private:
    QThreadPool m_pool;
};

} // namespace kk
