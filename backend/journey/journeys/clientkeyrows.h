#pragma once
// The rows every journey that makes a client's new key shares, from the client's PIN to the
// certificate in operation: the renewal and the staff recovery differ only in how they begin
// and in what the bank is sent (a key update, or an initial request staff protect).
#include "../steps/steps.h"

namespace kk {

QVector<Transition> clientKeyRows();

} // namespace kk
