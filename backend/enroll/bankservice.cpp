#include "keykiosk/enroll/bankservice.h"

namespace kk {

BankService::BankService(QObject *parent) : QObject(parent)
{
    // A hung bank holds one thread; a cancelled journey's exchange may still be running
    // while the next client's starts.
    m_pool.setMaxThreadCount(4);
    m_pool.setExpiryTimeout(30000);
}

BankService::~BankService()
{
    m_pool.waitForDone();
}

} // namespace kk
