from tawazun.cli import app

app()
