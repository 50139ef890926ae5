module.exports = require('./timing').teardown;
