// The header claims C++ support: this plugin is C++ (C++20, for designated
// initializers) and must build warning-free and load like a C one.
#include <newsd/plugin.h>

#include <string>

namespace {

int cxx_process(void *, enum newsd_stage, newsd_article *a)
{
    std::string title = newsd_article_get(a, NEWSD_FIELD_TITLE);
    if (title.empty())
        return NEWSD_OK;
    std::string tag = "cxx:len/" + std::to_string(title.size() > 40 ? 40 : title.size());
    return newsd_article_tag(a, tag.c_str(), 1.0);
}

}  // namespace

NEWSD_PLUGIN(
    .name = "cxx_plugin",
    .description = "a C++ plugin (tests)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .process = cxx_process,
);
