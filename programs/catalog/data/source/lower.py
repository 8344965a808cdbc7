# ruff: noqa: E501  (data: one exercise per call, long text lines)
"""Squats, lunges, hinges, machines and calves."""

from . import ex

# --- barbell squats ----------------------------------------------------------------
BACK_RACK = "Set the bar in a rack at mid-chest height, step under it and rest it across your upper back, hands just outside the shoulders."


def barbell_squat(
    name, aliases, setup, depth_step, cues, category="strength", level="intermediate"
):
    ex(
        name,
        category,
        "squat",
        "quadriceps",
        "glutes,hamstrings,lower back,adductors",
        "barbell",
        "compound",
        "push",
        level,
        [
            setup,
            "Lift the bar out of the hooks, take two short steps back and set your feet about shoulder width apart, toes turned slightly out.",
            "Brace your trunk with a full breath, then sit down between your heels, letting the knees travel forward over the toes.",
            depth_step,
            "Drive up through the whole foot, keeping the chest and hips rising together, and breathe out at the top.",
        ],
        cues,
        aliases,
    )


barbell_squat(
    "Back Squat",
    ["Squat", "Barbell Back Squat", "Barbell Squat", "Full Squat", "BB Squat"],
    BACK_RACK,
    "Descend until your hip crease is below the top of the knee, or as deep as you can keep a neutral back.",
    [
        "Spread the floor with your feet",
        "Knees track over the middle toes",
        "Chest and hips rise together",
    ],
    level="beginner",
)
barbell_squat(
    "High-Bar Back Squat",
    ["Olympic Squat", "High Bar Squat"],
    "Set the bar on top of the trapezius, just below the bony bump at the base of the neck, hands close to the shoulders.",
    "Keep the torso fairly upright and go deep, letting the knees travel well past the toes.",
    ["Stay tall through the chest", "Let the knees go forward", "Bounce-free, controlled bottom"],
)
barbell_squat(
    "Low-Bar Back Squat",
    ["Low Bar Squat", "Powerlifting Squat"],
    "Set the bar lower on the back, across the rear shoulders just below the spine of the shoulder blade, with a wider grip and elbows pulled back.",
    "Sit the hips back with a more inclined torso and descend until the hip crease passes the knee.",
    [
        "Push the hips back first",
        "Keep the bar over mid-foot",
        "Wrists straight, bar held by the back",
    ],
    category="powerlifting",
)
barbell_squat(
    "Pause Back Squat",
    ["Paused Squat", "Pause Squat"],
    BACK_RACK,
    "Hold the bottom position for a full two seconds without relaxing the brace, then stand.",
    [
        "Stay tight in the hole",
        "Count the pause out loud in your head",
        "Drive straight up, no bounce",
    ],
    category="powerlifting",
)
barbell_squat(
    "Tempo Back Squat",
    ["Tempo Squat"],
    BACK_RACK,
    "Take three to five seconds to lower to depth, controlling every inch, then pause briefly.",
    ["Own the descent", "Same bar path every rep", "Breathe at the top only"],
)
barbell_squat(
    "Safety Bar Squat",
    ["SSB Squat", "Safety Squat Bar Squat", "Yoke Bar Squat"],
    "Set the safety squat bar on your upper back with its pads over the shoulders and hold the handles in front of you.",
    "Descend to full depth, resisting the bar's pull to tip you forward.",
    ["Push the upper back into the pads", "Elbows down, chest up", "Sit between the heels"],
)
ex(
    "Front Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,abdominals,adductors,lower back",
    "barbell",
    "compound",
    "push",
    "intermediate",
    [
        "Set the bar in a rack at shoulder height and step in so it rests on the front of your shoulders, against the throat.",
        "Hold it with the fingertips just outside the shoulders (or cross your arms) and raise the elbows until the upper arms are near parallel to the floor.",
        "Step back, set the feet shoulder width apart and brace.",
        "Squat straight down, keeping the torso upright and elbows high, until the hips are below the knees.",
        "Stand by driving the elbows up and the feet through the floor.",
    ],
    [
        "Elbows high the whole way",
        "Stay upright like your back is on a wall",
        "Knees forward, heels down",
    ],
    ["Barbell Front Squat", "Front Barbell Squat", "Clean Grip Front Squat"],
)
ex(
    "Box Squat",
    "powerlifting",
    "squat",
    "glutes,hamstrings",
    "quadriceps,lower back,adductors",
    "barbell",
    "compound",
    "push",
    "intermediate",
    [
        "Place a box behind you at a height that puts your hips level with or just below the knees when seated.",
        "Take the bar on your back, step back and set a slightly wider than shoulder-width stance.",
        "Sit the hips back to the box while keeping the shins near vertical and the brace tight.",
        "Touch down and settle briefly without relaxing your trunk, then drive up from the hips.",
    ],
    ["Sit back, not down", "Stay tight on the box", "Explode off the box"],
    ["Barbell Box Squat"],
)
ex(
    "Pin Squat",
    "powerlifting",
    "squat",
    "quadriceps",
    "glutes,hamstrings,lower back",
    "barbell",
    "compound",
    "push",
    "expert",
    [
        "Set the safety pins of a rack at the height of the bottom of your squat and put the bar on them.",
        "Get under the bar in the bottom position, set your back and feet and brace hard.",
        "Stand the bar up from a dead stop, then lower it back to the pins and let it settle before the next rep.",
    ],
    ["Build tension before you push", "Drive the bar straight up", "Reset every rep"],
    ["Anderson Squat", "Bottom-Up Squat"],
)
ex(
    "Zercher Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,abdominals,middle back,biceps",
    "barbell",
    "compound",
    "push",
    "expert",
    [
        "Set the bar at waist height in a rack, pad it if you like, and cradle it in the crooks of your elbows with your hands together.",
        "Lift it out, step back and set the feet a little wider than the shoulders.",
        "Squat down between your legs, keeping the bar close to the body and the upper back tight.",
        "Stand back up, squeezing the bar into your torso.",
    ],
    [
        "Hug the bar into your body",
        "Keep the upper back rounded only slightly and locked",
        "Elbows inside the knees",
    ],
)
ex(
    "Heel-Elevated Front Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,abdominals",
    "barbell",
    "compound",
    "push",
    "intermediate",
    [
        "Place small plates or a slant board under your heels.",
        "Take the bar in the front rack with elbows high.",
        "Squat down with the knees travelling far forward and the torso upright, reaching full depth.",
        "Stand without letting the chest drop.",
    ],
    ["Knees way past the toes", "Upright torso", "Smooth, controlled depth"],
    ["Cyclist Squat"],
)
ex(
    "Smith Machine Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,hamstrings",
    "machine",
    "compound",
    "push",
    "beginner",
    [
        "Set the Smith bar at upper-chest height and step under it so it sits across your upper back.",
        "Place your feet slightly in front of the bar, shoulder width apart, and unhook it by rotating the bar.",
        "Lower until the thighs are at least parallel to the floor.",
        "Press back up through the whole foot and re-hook the bar at the end of the set.",
    ],
    ["Feet a little forward of the bar", "Keep the lower back neutral", "Full range, no half reps"],
)

# --- dumbbell, kettlebell and bodyweight squats ----------------------------------------
ex(
    "Goblet Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,abdominals,adductors",
    "kettlebells,dumbbell",
    "compound",
    "push",
    "beginner",
    [
        "Hold a kettlebell by the horns or a dumbbell by one end at your chest, elbows pointing down.",
        "Stand with the feet shoulder width apart and toes turned slightly out.",
        "Squat down between your heels, using the elbows to nudge the knees out at the bottom.",
        "Drive up through the whole foot to standing.",
    ],
    ["Weight glued to the chest", "Elbows inside the knees", "Tall chest"],
    ["Kettlebell Goblet Squat", "Dumbbell Goblet Squat"],
)
ex(
    "Heel-Elevated Goblet Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,abdominals",
    "dumbbell",
    "compound",
    "push",
    "beginner",
    [
        "Stand with your heels on a slant board or small plates, feet close together.",
        "Hold a dumbbell vertically against the chest.",
        "Lower slowly, letting the knees travel forward until the hamstrings touch the calves.",
        "Stand up while keeping the torso upright.",
    ],
    ["Knees forward over the toes", "Slow on the way down", "Stay upright"],
)
ex(
    "Dumbbell Front Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,abdominals",
    "dumbbell",
    "compound",
    "push",
    "beginner",
    [
        "Hold a dumbbell in each hand with one end resting on the front of each shoulder.",
        "Set the feet shoulder width apart and brace.",
        "Squat to full depth while keeping the elbows up and the torso tall.",
        "Stand back up, pushing the floor away.",
    ],
    ["Elbows up", "Weight over mid-foot", "Control the bottom"],
)
ex(
    "Double Kettlebell Front Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,abdominals,middle back",
    "kettlebells",
    "compound",
    "push",
    "intermediate",
    [
        "Clean two kettlebells to the rack position so they rest on the outside of the forearms, hands at the collarbones.",
        "Set the feet shoulder width apart and brace your trunk.",
        "Squat down between the heels, keeping the bells tight to the body.",
        "Drive up to standing without letting the elbows flare.",
    ],
    ["Elbows tight to the ribs", "Ribs down", "Stand tall at the top"],
    ["Kettlebell Front Squat"],
)
ex(
    "Dumbbell Sumo Squat",
    "strength",
    "squat",
    "adductors,quadriceps",
    "glutes",
    "dumbbell",
    "compound",
    "push",
    "beginner",
    [
        "Stand with the feet wide and toes turned out, holding one dumbbell by its end between your legs.",
        "Sit straight down, pushing the knees out in line with the toes.",
        "Go as deep as the hips allow without the dumbbell touching the floor.",
        "Squeeze the glutes and inner thighs to stand.",
    ],
    ["Knees follow the toes", "Torso upright", "Squeeze at the top"],
    ["Plie Squat"],
)
ex(
    "Air Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,hamstrings",
    "body only",
    "compound",
    "push",
    "beginner",
    [
        "Stand with the feet about shoulder width apart, arms by your sides.",
        "Reach the arms forward as you sit the hips back and down.",
        "Descend until the hip crease is below the knees with the heels down.",
        "Stand up fully, squeezing the glutes at the top.",
    ],
    ["Heels stay down", "Knees out over the toes", "Finish tall"],
    ["Bodyweight Squat", "Body Weight Squat"],
)
ex(
    "Pistol Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,hamstrings,abdominals",
    "body only",
    "compound",
    "push",
    "expert",
    [
        "Stand on one leg with the other leg held straight out in front of you.",
        "Reach your arms forward for balance and lower slowly on the standing leg.",
        "Keep the free leg off the floor and descend until the hamstring rests on the calf.",
        "Drive up through the standing foot without letting the knee cave in.",
    ],
    ["Keep the heel down", "Reach forward to counterbalance", "Knee over the toes"],
    ["Single-Leg Squat", "One-Legged Squat"],
)
ex(
    "Box Pistol Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes,hamstrings",
    "body only",
    "compound",
    "push",
    "intermediate",
    [
        "Stand on one leg in front of a box or bench, other leg lifted in front.",
        "Lower under control until you lightly touch the box.",
        "Without rocking, stand back up on the same leg.",
    ],
    ["Touch, don't sit", "Arms forward for balance", "Slow lowering"],
    ["Single-Leg Box Squat"],
)
ex(
    "Shrimp Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes",
    "body only",
    "compound",
    "push",
    "expert",
    [
        "Stand on one leg and hold the other foot behind you with the same-side hand.",
        "Lower by bending the standing knee until the back knee touches the floor.",
        "Keep the torso leaning slightly forward and stand back up.",
    ],
    ["Lower softly to the knee", "Standing knee over the toes", "Use the free arm for balance"],
)
ex(
    "Sissy Squat",
    "strength",
    "squat",
    "quadriceps",
    "abdominals",
    "body only",
    "isolation",
    "push",
    "intermediate",
    [
        "Stand tall holding a post or rack for balance, feet hip width apart.",
        "Rise onto the balls of your feet and push the knees forward while leaning the body back in a straight line from knees to head.",
        "Lower until the knees are well bent and the thighs are stretched.",
        "Return by driving the knees back and squeezing the quads.",
    ],
    ["Straight line from knees to shoulders", "Move slowly", "Hold on for balance"],
)
ex(
    "Wall Sit",
    "strength",
    "squat",
    "quadriceps",
    "glutes",
    "body only",
    "isolation",
    "static",
    "beginner",
    [
        "Stand with your back against a wall and walk the feet about two feet forward.",
        "Slide down until the thighs are parallel to the floor and the knees are over the ankles.",
        "Hold the position with the back flat against the wall for the prescribed time.",
    ],
    ["Knees over ankles", "Back flat on the wall", "Breathe steadily"],
    ["Wall Squat Hold"],
)
ex(
    "Spanish Squat",
    "strength",
    "squat",
    "quadriceps",
    "glutes",
    "bands",
    "isolation",
    "push",
    "beginner",
    [
        "Loop a heavy band around a rack post and step into it so it sits behind both knees.",
        "Walk back until the band is taut and keep the shins vertical.",
        "Sit down and back, letting the band hold the knees, until the thighs are near parallel.",
        "Stand back up, keeping tension in the band the whole set.",
    ],
    ["Shins vertical", "Sit back into the band", "Torso upright"],
)
ex(
    "Cossack Squat",
    "mobility",
    "lunge",
    "adductors,quadriceps",
    "glutes,hamstrings",
    "body only",
    "compound",
    "push",
    "intermediate",
    [
        "Take a very wide stance with the toes pointing slightly out.",
        "Shift your weight to one side and squat down on that leg while the other leg stays straight, toes lifting to the ceiling.",
        "Keep the heel of the bent leg down and go as deep as you can control.",
        "Push back to the middle and repeat on the other side.",
    ],
    ["Bent-leg heel down", "Chest up", "Move slowly side to side"],
)

# --- lunges and single-leg work ---------------------------------------------------------


def lunge(
    name,
    aliases,
    equipment,
    hold,
    steps_core,
    cues,
    level="beginner",
    primary="quadriceps,glutes",
    secondary="hamstrings,adductors",
):
    ex(
        name,
        "strength",
        "lunge",
        primary,
        secondary,
        equipment,
        "compound",
        "push",
        level,
        [hold, *steps_core],
        cues,
        aliases,
    )


REVERSE = [
    "Step one foot back about two feet and lower until the back knee hovers just above the floor.",
    "Keep most of your weight on the front foot with the front shin close to vertical.",
    "Push through the front heel to bring the back foot forward to standing, then switch legs or finish the side.",
]
FORWARD = [
    "Step one foot forward a long stride and lower until both knees are bent to about 90 degrees.",
    "Keep the torso tall and the front knee tracking over the middle toes.",
    "Push off the front foot to return to standing and alternate legs.",
]
WALKING = [
    "Step forward into a lunge, lowering the back knee toward the floor.",
    "Drive through the front foot and bring the back leg through into the next stride without stopping.",
    "Keep the steps even and the torso upright until you have covered the distance or reps.",
]
SPLIT = [
    "Take a long split stance, back heel raised, feet hip width apart side to side.",
    "Lower straight down until the back knee nearly touches the floor.",
    "Drive up through the front foot, staying in the split stance for all reps before switching.",
]
BULGARIAN = [
    "Stand about two feet in front of a bench and place the top of your rear foot on it.",
    "Lower straight down until the front thigh is about parallel and the back knee points at the floor.",
    "Drive through the front foot to stand, finishing all reps on one side before switching.",
]
STEP_UP = [
    "Place one whole foot on a box or bench about knee height.",
    "Lean slightly forward and drive through that foot to stand on top of the box, without pushing off the trailing foot.",
    "Lower under control to the start, finishing the reps on one leg before switching.",
]
LUNGE_CUES = ["Front heel stays down", "Torso tall", "Knee tracks over the toes"]
BAR_HOLD = (
    "Take a barbell on your upper back as for a back squat and stand with the feet hip width apart."
)
DB_HOLD = "Stand holding a dumbbell in each hand at your sides, feet hip width apart."

lunge(
    "Bodyweight Reverse Lunge",
    ["Reverse Lunge"],
    "body only",
    "Stand tall with the feet hip width apart and hands on the hips.",
    REVERSE,
    LUNGE_CUES,
)
lunge("Dumbbell Reverse Lunge", ["DB Reverse Lunge"], "dumbbell", DB_HOLD, REVERSE, LUNGE_CUES)
lunge(
    "Barbell Reverse Lunge",
    ["BB Reverse Lunge"],
    "barbell",
    BAR_HOLD,
    REVERSE,
    LUNGE_CUES,
    "intermediate",
)
lunge(
    "Goblet Reverse Lunge",
    ["Kettlebell Reverse Lunge"],
    "kettlebells",
    "Hold a kettlebell by the horns at your chest, feet hip width apart.",
    REVERSE,
    LUNGE_CUES,
)
lunge(
    "Deficit Reverse Lunge",
    ["Elevated Reverse Lunge"],
    "dumbbell",
    "Stand on a low step or plate about 10 cm high holding a dumbbell in each hand.",
    REVERSE,
    ["Sink deep behind you", "Front heel down", "Control the stretch"],
    "intermediate",
)
lunge(
    "Dumbbell Forward Lunge",
    ["Forward Lunge", "Front Lunge"],
    "dumbbell",
    DB_HOLD,
    FORWARD,
    ["Land heel first", "Stay tall", "Push back powerfully"],
)
lunge(
    "Bodyweight Walking Lunge",
    ["Walking Lunge"],
    "body only",
    "Stand at one end of a clear lane with hands on the hips.",
    WALKING,
    ["Long, even strides", "Back knee kisses the floor", "Eyes forward"],
)
lunge(
    "Dumbbell Walking Lunge",
    ["DB Walking Lunge"],
    "dumbbell",
    DB_HOLD,
    WALKING,
    ["Long, even strides", "Shoulders back", "Front heel drives"],
)
lunge(
    "Barbell Walking Lunge",
    ["BB Walking Lunge"],
    "barbell",
    BAR_HOLD,
    WALKING,
    ["Short pause at each step to stay balanced", "Brace under the bar", "Even strides"],
    "intermediate",
)
lunge(
    "Dumbbell Split Squat",
    ["Split Squat", "Static Lunge"],
    "dumbbell",
    DB_HOLD,
    SPLIT,
    ["Straight down, not forward", "Back heel up", "Front foot flat"],
)
lunge(
    "Barbell Split Squat",
    ["BB Split Squat"],
    "barbell",
    BAR_HOLD,
    SPLIT,
    ["Brace under the bar", "Straight down", "Hips square"],
    "intermediate",
)
lunge(
    "Front-Foot-Elevated Split Squat",
    ["FFE Split Squat"],
    "dumbbell",
    "Stand with your front foot on a 10-15 cm step, holding a dumbbell in each hand.",
    SPLIT,
    ["Use the extra range", "Front knee forward", "Slow down, strong up"],
    "intermediate",
)
lunge(
    "Dumbbell Bulgarian Split Squat",
    ["Bulgarian Split Squat", "Rear-Foot-Elevated Split Squat", "RFESS"],
    "dumbbell",
    DB_HOLD,
    BULGARIAN,
    ["Most weight on the front leg", "Hips square", "Control the bottom"],
    "intermediate",
)
lunge(
    "Barbell Bulgarian Split Squat",
    ["Barbell Rear-Foot-Elevated Split Squat"],
    "barbell",
    BAR_HOLD,
    BULGARIAN,
    ["Brace under the bar", "Straight down", "Front foot flat"],
    "expert",
)
lunge(
    "Goblet Bulgarian Split Squat",
    ["Kettlebell Bulgarian Split Squat"],
    "kettlebells",
    "Hold a kettlebell at your chest by the horns.",
    BULGARIAN,
    ["Tall chest", "Front heel drives", "Back knee down, not back"],
)
lunge(
    "Dumbbell Step-Up",
    ["Step-Up", "Step Up", "Box Step-Up"],
    "dumbbell",
    DB_HOLD,
    STEP_UP,
    ["Whole foot on the box", "Don't push off the back leg", "Stand tall at the top"],
)
lunge(
    "Barbell Step-Up",
    ["BB Step-Up"],
    "barbell",
    BAR_HOLD,
    STEP_UP,
    ["Brace under the bar", "Drive through the top foot", "Control the way down"],
    "intermediate",
)
lunge(
    "Lateral Step-Up",
    ["Side Step-Up"],
    "dumbbell",
    "Stand side-on to a low box holding a dumbbell in each hand and place the near foot on it.",
    [
        "Press through the foot on the box to stand up sideways onto it.",
        "Lower the other foot slowly back to the floor beside the box.",
        "Complete the reps on one side, then turn around.",
    ],
    ["Knee tracks over the toes", "Slow lowering", "Hips level"],
)
lunge(
    "Dumbbell Lateral Lunge",
    ["Lateral Lunge", "Side Lunge"],
    "dumbbell",
    "Hold a dumbbell at your chest and stand with the feet together.",
    [
        "Take a wide step to one side and sit the hips back over that foot, the other leg staying straight.",
        "Keep both feet pointing forward and the heel of the bent leg down.",
        "Push off the bent leg to return to the centre and alternate sides.",
    ],
    ["Sit back into the hip", "Trailing leg straight", "Chest up"],
    primary="quadriceps,adductors",
    secondary="glutes,hamstrings",
)
lunge(
    "Curtsy Lunge",
    ["Curtsey Lunge"],
    "dumbbell",
    DB_HOLD,
    [
        "Step one foot diagonally behind and across the other, as if curtsying.",
        "Lower until the front thigh is near parallel, keeping the hips facing forward.",
        "Push through the front foot to return and switch sides.",
    ],
    ["Hips stay square", "Front knee over the toes", "Control the cross-over"],
    primary="glutes,quadriceps",
    secondary="abductors,adductors",
)
lunge(
    "Skater Squat",
    ["Skater Single-Leg Squat"],
    "body only",
    "Stand on one leg with the other knee bent so the foot is behind you, arms in front.",
    [
        "Lower by bending the standing knee until the back knee lightly touches a pad on the floor.",
        "Lean the torso forward to keep balance.",
        "Stand back up on the same leg.",
    ],
    ["Back knee touches softly", "Lean forward", "Arms reach out for balance"],
    "intermediate",
)

# --- hinges -------------------------------------------------------------------------------
ex(
    "Deadlift",
    "powerlifting",
    "hinge",
    "hamstrings,glutes,lower back",
    "quadriceps,traps,forearms,middle back",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Stand with the mid-foot under the bar, feet about hip width apart.",
        "Hinge down and grip the bar just outside the legs, then bend the knees until the shins touch the bar.",
        "Lift the chest, pull the slack out of the bar and brace.",
        "Push the floor away, keeping the bar against the legs, and stand tall with hips and knees locked.",
        "Lower by pushing the hips back first, then bending the knees once the bar passes them.",
    ],
    [
        "Bar stays against the legs",
        "Push the floor away",
        "Lock out with the glutes, not by leaning back",
    ],
    ["Conventional Deadlift", "Barbell Deadlift", "DL"],
)
ex(
    "Sumo Deadlift",
    "powerlifting",
    "hinge",
    "glutes,hamstrings,adductors",
    "quadriceps,lower back,traps,forearms",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Stand with a wide stance, toes turned out, shins close to the bar.",
        "Grip the bar with straight arms inside your legs, hands about shoulder width apart.",
        "Push the knees out over the toes, lift the chest and pull the slack out of the bar.",
        "Drive the feet outward and up to stand, bringing the hips to the bar.",
        "Return the bar to the floor under control.",
    ],
    ["Spread the floor", "Hips close to the bar", "Chest up before the pull"],
    ["Barbell Sumo Deadlift"],
)
ex(
    "Romanian Deadlift",
    "strength",
    "hinge",
    "hamstrings",
    "glutes,lower back,forearms",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Stand holding a barbell at hip height with an overhand grip, feet hip width apart.",
        "Soften the knees and push the hips back, sliding the bar down the front of the thighs.",
        "Lower until you feel a strong stretch in the hamstrings, usually just below the knee, keeping the back flat.",
        "Drive the hips forward to return to standing.",
    ],
    ["Hips back, not down", "Bar brushes the legs", "Neutral spine throughout"],
    ["RDL", "Barbell Romanian Deadlift"],
)
ex(
    "Stiff-Leg Deadlift",
    "strength",
    "hinge",
    "hamstrings",
    "glutes,lower back",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Stand with the bar on the floor over the mid-foot and grip it with the legs nearly straight.",
        "Keeping the knees only slightly bent, set the back flat and lift the bar by driving the hips forward.",
        "Lower the bar back to the floor by hinging at the hips, knees fixed.",
    ],
    ["Knees soft but fixed", "Flat back", "Feel the hamstrings load"],
    ["Stiff Legged Deadlift", "Straight-Leg Deadlift"],
)
ex(
    "Trap Bar Deadlift",
    "strength",
    "hinge",
    "quadriceps,glutes,hamstrings",
    "lower back,traps,forearms",
    "other",
    "compound",
    "pull",
    "beginner",
    [
        "Step inside a trap (hex) bar with the feet hip width apart, centred between the handles.",
        "Hinge and bend the knees to grip the handles, arms straight.",
        "Brace, lift the chest and stand by pushing through the floor.",
        "Lower the bar by reversing the movement, hips and knees together.",
    ],
    ["Stand up with the bar, don't pull it", "Chest proud", "Handles centred"],
    ["Hex Bar Deadlift"],
)
ex(
    "Deficit Deadlift",
    "powerlifting",
    "hinge",
    "hamstrings,glutes,lower back",
    "quadriceps,traps,forearms",
    "barbell",
    "compound",
    "pull",
    "expert",
    [
        "Stand on a 2-10 cm platform or plate with the bar over your mid-foot.",
        "Grip and set up as for a deadlift, hips lower than usual because of the extra range.",
        "Pull the bar off the floor with a strong leg drive and lock out.",
        "Lower under control to the floor.",
    ],
    ["Patience off the floor", "Bar close", "Keep the back set"],
)
ex(
    "Block Pull",
    "powerlifting",
    "hinge",
    "lower back,glutes",
    "hamstrings,traps,forearms",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Set the bar on blocks or rack pins so it sits just below or above the knee.",
        "Grip the bar as for a deadlift, set the back flat and brace.",
        "Drive the hips forward to lock out, squeezing the glutes.",
        "Return the bar to the blocks under control.",
    ],
    ["Wedge into the bar", "Lock out with the hips", "No hitching"],
    ["Rack Pull", "Rack Deadlift"],
)
ex(
    "Paused Deadlift",
    "powerlifting",
    "hinge",
    "hamstrings,glutes,lower back",
    "quadriceps,traps,forearms",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Set up and start the pull as in a regular deadlift.",
        "Stop the bar just below the knees and hold for two seconds without letting the hips rise.",
        "Finish the lift to lockout and lower under control.",
    ],
    ["Freeze in position", "Lats tight", "Same back angle during the pause"],
    ["Pause Deadlift"],
)
ex(
    "Snatch-Grip Deadlift",
    "olympic",
    "hinge",
    "hamstrings,glutes,middle back",
    "traps,lower back,forearms,quadriceps",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Grip the bar with a wide snatch grip, hands about where the bar rests in the hip crease when standing.",
        "Sit the hips lower than in a normal deadlift with the chest up and shoulders over the bar.",
        "Push through the floor and lift the bar to standing, keeping it close.",
        "Lower under control.",
    ],
    ["Chest up, hips low", "Bar close the whole way", "Arms long and loose"],
)
ex(
    "Dumbbell Romanian Deadlift",
    "strength",
    "hinge",
    "hamstrings",
    "glutes,lower back,forearms",
    "dumbbell",
    "compound",
    "pull",
    "beginner",
    [
        "Stand holding a dumbbell in each hand in front of the thighs.",
        "Soften the knees and push the hips back, letting the dumbbells slide down the legs.",
        "Stop when the hamstrings are fully stretched and the back is still flat.",
        "Squeeze the glutes to return to standing.",
    ],
    ["Hips back", "Dumbbells close to the legs", "Neck in line with the spine"],
    ["DB RDL", "Dumbbell RDL"],
)
ex(
    "Single-Leg Romanian Deadlift",
    "strength",
    "hinge",
    "hamstrings,glutes",
    "lower back,abductors",
    "dumbbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Stand on one leg holding a dumbbell in the opposite hand.",
        "Hinge forward at the hip while the free leg extends straight behind you.",
        "Lower until the torso is near parallel to the floor, hips square to the ground.",
        "Drive the hip forward to return to standing, touching down only if you need balance.",
    ],
    ["Hips square to the floor", "Long line from head to back heel", "Soft standing knee"],
    ["Single Leg RDL", "SL RDL", "One-Leg Romanian Deadlift"],
)
ex(
    "Kettlebell Single-Leg Deadlift",
    "strength",
    "hinge",
    "hamstrings,glutes",
    "lower back",
    "kettlebells",
    "compound",
    "pull",
    "intermediate",
    [
        "Place a kettlebell in front of your standing foot.",
        "Hinge on that leg, reaching the free leg back, and grip the bell.",
        "Stand up by driving the hip through, keeping the bell close to the leg.",
        "Hinge back down and touch the bell to the floor.",
    ],
    ["Reach the back heel to the wall", "Hips level", "Move slowly"],
)
ex(
    "B-Stance Romanian Deadlift",
    "strength",
    "hinge",
    "hamstrings,glutes",
    "lower back",
    "dumbbell",
    "compound",
    "pull",
    "beginner",
    [
        "Stand with one foot flat and the other a half step back, only its toes on the floor for balance.",
        "Hold dumbbells in front of the thighs and hinge on the front leg.",
        "Lower until the front hamstring is stretched, then drive the hip forward.",
    ],
    ["Weight on the front foot", "Back foot only for balance", "Flat back"],
    ["Kickstand RDL", "B-Stance RDL"],
)
ex(
    "Kettlebell Deadlift",
    "strength",
    "hinge",
    "glutes,hamstrings",
    "quadriceps,lower back",
    "kettlebells",
    "compound",
    "pull",
    "beginner",
    [
        "Stand over a kettlebell placed between the arches of your feet.",
        "Hinge and bend the knees to grip the handle with both hands, arms straight.",
        "Brace and stand tall, squeezing the glutes.",
        "Hinge back down to set the bell on the floor.",
    ],
    ["Hips back", "Arms straight", "Stand tall at the top"],
)
ex(
    "Kettlebell Swing",
    "strength",
    "hinge",
    "glutes,hamstrings",
    "lower back,abdominals,shoulders,forearms",
    "kettlebells",
    "compound",
    "pull",
    "intermediate",
    [
        "Set a kettlebell a foot in front of you, hinge and grip the handle with both hands.",
        "Hike the bell back between your legs like a football snap.",
        "Snap the hips forward so the bell floats up to chest height, arms relaxed.",
        "Let the bell fall back, hinging at the last moment, and repeat in a rhythm.",
    ],
    ["Hinge, don't squat", "Snap the hips", "Plank at the top"],
    ["Russian Kettlebell Swing", "Two-Hand Kettlebell Swing", "KB Swing"],
)
ex(
    "American Kettlebell Swing",
    "strength",
    "hinge",
    "glutes,hamstrings",
    "shoulders,lower back,abdominals",
    "kettlebells",
    "compound",
    "pull",
    "intermediate",
    [
        "Swing a kettlebell with both hands as in a Russian swing.",
        "Keep the arms following the momentum past chest height until the bell is overhead, bottom pointing up.",
        "Let the bell fall back under control between the legs and repeat.",
    ],
    ["Ribs down at the top", "Only go overhead with good shoulder mobility", "Hips drive the bell"],
    ["Overhead Kettlebell Swing"],
)
ex(
    "Single-Arm Kettlebell Swing",
    "strength",
    "hinge",
    "glutes,hamstrings",
    "abdominals,forearms,shoulders",
    "kettlebells",
    "compound",
    "pull",
    "intermediate",
    [
        "Grip the kettlebell with one hand and hike it back between the legs.",
        "Snap the hips forward and float the bell to chest height, resisting rotation.",
        "Guide it back through the legs and repeat; switch hands between sets or at the top.",
    ],
    ["Square shoulders", "Free arm relaxed", "Snap the hips"],
    ["One-Arm Kettlebell Swing"],
)
ex(
    "Good Morning",
    "strength",
    "hinge",
    "hamstrings,lower back",
    "glutes",
    "barbell",
    "compound",
    "pull",
    "intermediate",
    [
        "Place a barbell on your upper back as for a squat and stand with the feet hip width apart.",
        "Soften the knees and push the hips back, lowering the chest toward the floor with a flat back.",
        "Stop when the torso is near parallel or the hamstrings are fully stretched.",
        "Drive the hips forward to return to standing.",
    ],
    ["Hips back", "Back flat", "Light weight, full control"],
    ["Barbell Good Morning"],
)
ex(
    "Banded Good Morning",
    "strength",
    "hinge",
    "hamstrings,glutes",
    "lower back",
    "bands",
    "compound",
    "pull",
    "beginner",
    [
        "Stand on a resistance band and loop the other end behind your neck, across the upper back.",
        "Hinge at the hips against the band, keeping the back flat.",
        "Stand up, squeezing the glutes against the band's tension.",
    ],
    ["Hips back", "Neutral neck", "Squeeze at the top"],
    ["Band Good Morning"],
)
ex(
    "Barbell Hip Thrust",
    "strength",
    "hinge",
    "glutes",
    "hamstrings,quadriceps",
    "barbell",
    "compound",
    "push",
    "beginner",
    [
        "Sit on the floor with your upper back against a bench and roll a padded barbell over your hips.",
        "Plant the feet about hip width apart so the shins are vertical at the top.",
        "Drive through the heels to lift the hips until the torso is parallel to the floor, chin tucked.",
        "Pause and squeeze the glutes, then lower under control.",
    ],
    ["Chin tucked, ribs down", "Shins vertical at the top", "Pause and squeeze"],
    ["Hip Thrust", "Barbell Glute Thrust"],
)
ex(
    "Dumbbell Hip Thrust",
    "strength",
    "hinge",
    "glutes",
    "hamstrings",
    "dumbbell",
    "compound",
    "push",
    "beginner",
    [
        "Sit with your upper back against a bench and hold a dumbbell on your hips.",
        "Plant the feet hip width apart.",
        "Lift the hips until the body is flat from shoulders to knees and squeeze.",
        "Lower slowly.",
    ],
    ["Tuck the chin", "Push through the heels", "Full lockout"],
)
ex(
    "Single-Leg Hip Thrust",
    "strength",
    "hinge",
    "glutes",
    "hamstrings",
    "body only",
    "compound",
    "push",
    "intermediate",
    [
        "Rest your upper back on a bench, one foot planted and the other knee drawn up.",
        "Drive through the planted heel to raise the hips level.",
        "Hold briefly at the top, then lower without letting the hips twist.",
    ],
    ["Hips level", "Heel drives", "Squeeze at the top"],
)
ex(
    "Glute Bridge",
    "strength",
    "hinge",
    "glutes",
    "hamstrings",
    "body only",
    "isolation",
    "push",
    "beginner",
    [
        "Lie on your back with the knees bent and feet flat, hip width apart.",
        "Press the lower back gently into the floor, then drive through the heels to lift the hips.",
        "Squeeze the glutes at the top with a straight line from knees to shoulders.",
        "Lower slowly to the floor.",
    ],
    ["Ribs down", "Push through the heels", "Squeeze for one second"],
    ["Bridge", "Hip Bridge"],
)
ex(
    "Single-Leg Glute Bridge",
    "strength",
    "hinge",
    "glutes",
    "hamstrings,abdominals",
    "body only",
    "isolation",
    "push",
    "beginner",
    [
        "Lie on your back with one foot planted and the other leg straight or knee pulled in.",
        "Drive through the planted heel to lift the hips, keeping them level.",
        "Pause at the top, then lower under control.",
    ],
    ["Hips level", "Drive through the heel", "Slow lowering"],
)
ex(
    "Barbell Glute Bridge",
    "strength",
    "hinge",
    "glutes",
    "hamstrings",
    "barbell",
    "isolation",
    "push",
    "intermediate",
    [
        "Lie on the floor and roll a padded barbell over your hips, knees bent and feet flat.",
        "Brace and drive the hips up until they are in line with the knees and shoulders.",
        "Squeeze hard, then lower to the floor.",
    ],
    ["Ribs down", "Hold the bar steady", "Full squeeze at the top"],
)
ex(
    "Frog Pump",
    "strength",
    "hinge",
    "glutes",
    "adductors",
    "body only",
    "isolation",
    "push",
    "beginner",
    [
        "Lie on your back, press the soles of the feet together and let the knees fall out.",
        "Pull the heels toward the hips.",
        "Thrust the hips up with short, quick reps, squeezing the glutes each time.",
    ],
    ["Soles together", "Squeeze every rep", "Keep the lower back quiet"],
)
ex(
    "Cable Pull-Through",
    "strength",
    "hinge",
    "glutes,hamstrings",
    "lower back",
    "cable",
    "compound",
    "pull",
    "beginner",
    [
        "Attach a rope to a low pulley, face away from it and hold the rope between your legs.",
        "Walk forward to put tension on the cable and set the feet a little wider than the hips.",
        "Hinge the hips back, letting the rope travel between the legs.",
        "Drive the hips forward to stand tall and squeeze the glutes.",
    ],
    ["Hips back", "Arms just hold the rope", "Squeeze at the top"],
    ["Pull Through"],
)
ex(
    "45-Degree Back Extension",
    "strength",
    "hinge",
    "lower back,glutes",
    "hamstrings",
    "other",
    "isolation",
    "pull",
    "beginner",
    [
        "Set the pad of a 45-degree hyperextension bench just below the hip crease and hook the heels.",
        "Cross the arms over the chest and lower the torso by bending at the hips.",
        "Lift until the body forms a straight line, squeezing the glutes without arching past neutral.",
    ],
    ["Hinge at the hips", "Stop at a straight line", "Squeeze the glutes to finish"],
    ["Back Extension", "Hyperextension", "Roman Chair Back Extension"],
)
ex(
    "Reverse Hyperextension",
    "strength",
    "hinge",
    "glutes,lower back",
    "hamstrings",
    "machine",
    "isolation",
    "pull",
    "intermediate",
    [
        "Lie face down on a reverse hyper machine with the hips at the edge of the pad and hold the handles.",
        "Hook the ankles under the roller or let the legs hang.",
        "Swing the legs up until they are in line with the torso, squeezing the glutes.",
        "Lower under control, letting the lower back gently flex at the bottom.",
    ],
    ["Glutes lift the legs", "Control the swing", "Hold on tight"],
    ["Reverse Hyper"],
)
ex(
    "Nordic Hamstring Curl",
    "strength",
    "hinge",
    "hamstrings",
    "glutes,calves",
    "body only",
    "isolation",
    "pull",
    "expert",
    [
        "Kneel on a pad with your ankles anchored under a bar or held by a partner.",
        "Keeping a straight line from knees to head, lean forward slowly, resisting with the hamstrings.",
        "Lower as far as you can, then catch yourself with the hands.",
        "Push lightly off the floor and pull back up with the hamstrings.",
    ],
    ["Hips stay extended", "Fight the fall", "Catch softly"],
    ["Nordic Curl", "Nordics", "Natural Glute Ham Raise"],
)
ex(
    "Glute-Ham Raise",
    "strength",
    "hinge",
    "hamstrings",
    "glutes,calves",
    "machine",
    "isolation",
    "pull",
    "expert",
    [
        "Set up on a glute-ham developer with the knees just behind the pad and feet against the plate.",
        "Start with the body upright on the knees.",
        "Lower the torso forward by extending the knees until the body is horizontal.",
        "Curl back up by pulling the feet into the plate with the hamstrings.",
    ],
    ["Push the toes into the plate", "Hips straight", "Smooth tempo"],
    ["GHR", "Glute Ham Raise"],
)
ex(
    "Stability Ball Hamstring Curl",
    "strength",
    "hinge",
    "hamstrings",
    "glutes,calves",
    "exercise ball",
    "isolation",
    "pull",
    "beginner",
    [
        "Lie on your back with the heels on a stability ball and arms by your sides.",
        "Lift the hips into a bridge.",
        "Curl the ball toward you by bending the knees, keeping the hips up.",
        "Roll the ball back out under control.",
    ],
    ["Hips high", "Slow on the way out", "Press the heels into the ball"],
    ["Swiss Ball Leg Curl"],
)
ex(
    "Sliding Leg Curl",
    "strength",
    "hinge",
    "hamstrings",
    "glutes",
    "other",
    "isolation",
    "pull",
    "intermediate",
    [
        "Lie on your back with your heels on sliders or a towel on a smooth floor.",
        "Bridge the hips up.",
        "Slide the heels out until the legs are almost straight, keeping the hips off the floor.",
        "Pull the heels back in toward the glutes.",
    ],
    ["Keep the hips up", "Slow slide out", "Heels press down"],
    ["Slider Hamstring Curl"],
)
