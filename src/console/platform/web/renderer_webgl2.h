// A small WebGL2 renderer for ImGui draw data. It owns all GL state and sets what it needs every frame,
// never reading state back (each read stalls on the browser's GPU process; see ARCHITECTURE.md).
#pragma once
#include <GLES3/gl3.h>
#include <imgui.h>

namespace sb::console::web {

class Renderer {
  public:
    bool init();                  // compiles the program; needs a current WebGL2 context
    void upload_fonts();          // (re)uploads the font atlas texture
    void render(ImDrawData* data, int fb_width, int fb_height, ImU32 background); // background: under every window
    // A texture for video frames (filled from JS with texImage2D from a <video>, see web/console-glue.js):
    // linear filtering and clamped edges, so frames of any size sample without mipmaps. Drawn with
    // ImGui::Image; render() binds every draw command's texture itself, whatever JS left bound.
    GLuint create_texture();
    void delete_texture(GLuint texture);

  private:
    GLuint program_ = 0, vao_ = 0, vbo_ = 0, ibo_ = 0, font_texture_ = 0;
    GLint u_proj_ = -1, u_tex_ = -1;
};

} // namespace sb::console::web
