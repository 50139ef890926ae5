const path = require('path');
const { task, src, dest, parallel } = require('gulp');

// encoding:false keeps binary icons intact (gulp 5 re-encodes files as text otherwise).
const copyIcons = (folder) => () =>
	src(path.join(folder, '**', '*.{png,svg}'), { encoding: false, allowEmpty: true }).pipe(
		dest(path.join('dist', folder)),
	);
const copyCodex = () =>
	src(path.join('nodes', '**', '*.node.json'), { allowEmpty: true }).pipe(
		dest(path.join('dist', 'nodes')),
	);
// n8n serves a node's output schemas from the __schema__ folder beside its built .node.js.
const copyOutputSchemas = () =>
	src(path.join('nodes', '**', '__schema__', '**', '*.json'), { allowEmpty: true }).pipe(
		dest(path.join('dist', 'nodes')),
	);

task(
	'build:icons',
	parallel(copyIcons('nodes'), copyIcons('credentials'), copyCodex, copyOutputSchemas),
);
