module.exports = require('./timing').setup;
