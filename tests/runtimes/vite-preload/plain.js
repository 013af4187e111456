// A page's entry that does not use the package.
document.title = 'plain';
