#include "keykiosk/logging.h"

Q_LOGGING_CATEGORY(lcToken, "kk.token", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPcsc, "kk.pcsc", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUdev, "kk.udev", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPresence, "kk.presence", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStatus, "kk.status", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEnroll, "kk.enroll", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEntropy, "kk.entropy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWorkflow, "kk.workflow", QtInfoMsg)
Q_LOGGING_CATEGORY(lcKiosk, "kk.kiosk", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAct, "kk.act", QtInfoMsg)
