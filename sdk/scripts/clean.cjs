// Removes the previous build so a renamed or deleted source file leaves nothing behind in dist/.
require('node:fs').rmSync(require('node:path').join(__dirname, '..', 'dist'), {
  recursive: true,
  force: true,
});
