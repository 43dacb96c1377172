"""The reference for bench/startup.py: a bare PySide6 window of the kiosk's size with one label."""

import sys

from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

app = QApplication(sys.argv[:1])
window = QWidget()
window.setWindowTitle("Kiosk")
QVBoxLayout(window).addWidget(QLabel("Chạm vào màn hình để bắt đầu"))
window.resize(1366, 768)
window.show()
sys.exit(app.exec())
