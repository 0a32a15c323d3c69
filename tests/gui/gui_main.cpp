// GoogleTest with a QApplication (Qt Test's event helpers need one); the platform comes from
// QT_QPA_PLATFORM (offscreen in ctest, xcb under Xvfb for the desktop tests).
#include <gtest/gtest.h>

#include <QApplication>

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MeSign"));
    QApplication::setApplicationName(QStringLiteral("mesign-tray-test"));
    QApplication::setQuitOnLastWindowClosed(false);
    return RUN_ALL_TESTS();
}
