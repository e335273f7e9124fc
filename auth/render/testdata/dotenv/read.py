# Reads the .env file named by argv[1] with python-dotenv as load_dotenv
# does (interpolation on) and prints what it read as JSON on one line.
import json
import sys

from dotenv import dotenv_values

print(json.dumps(dotenv_values(sys.argv[1])))
