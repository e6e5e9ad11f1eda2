#pragma once
// One logging category per module; staff filter with QT_LOGGING_RULES="kk.token.debug=true".
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcToken)
Q_DECLARE_LOGGING_CATEGORY(lcPcsc)
Q_DECLARE_LOGGING_CATEGORY(lcUdev)
Q_DECLARE_LOGGING_CATEGORY(lcPresence)
Q_DECLARE_LOGGING_CATEGORY(lcStatus)
Q_DECLARE_LOGGING_CATEGORY(lcEnroll)
Q_DECLARE_LOGGING_CATEGORY(lcEntropy)
Q_DECLARE_LOGGING_CATEGORY(lcWorkflow)
Q_DECLARE_LOGGING_CATEGORY(lcKiosk)
