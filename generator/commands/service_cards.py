"""(not built yet)"""
COMMANDS: list = []
