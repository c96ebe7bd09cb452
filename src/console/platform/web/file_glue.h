// File uploads in the browser: the App's FileUploader through web/console-glue.js (the page's file picker and
// an XMLHttpRequest with progress, in web/switchboard.js), and the page's reports back (sb_file_chosen,
// sb_upload_progress, sb_upload_done, exported from file_glue.cpp).
#pragma once
#include "console/app.h"

namespace sb::console::web {

// Gives `app` the browser's uploader; reports reach it, then `wake` asks for frames.
void attach_files(App& app, void (*wake)());

} // namespace sb::console::web
