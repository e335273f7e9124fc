// Reads the .env file named by argv[2] with Node's dotenv (parse only, no
// process.env changes) and prints what it read as JSON on one line.
const fs = require('fs');
const dotenv = require('dotenv');
process.stdout.write(JSON.stringify(dotenv.parse(fs.readFileSync(process.argv[2]))));
